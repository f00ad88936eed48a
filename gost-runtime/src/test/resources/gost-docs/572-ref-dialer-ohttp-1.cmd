# page: en/docs/reference/dialers/ohttp.md
# section: HTTP混淆
gost -L :8080 -F http+ohttp://:8443
