# page: en/docs/reference/listeners/ohttp.md
# section: OBFS-HTTP
gost -L http+ohttp://:8443
