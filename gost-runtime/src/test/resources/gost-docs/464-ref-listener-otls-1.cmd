# page: en/docs/reference/listeners/otls.md
# section: OBFS-TLS
gost -L http+otls://:8443
