# page: en/docs/reference/dialers/mtls.md
# section: 多路复用TLS
gost -L :8080 -F http+mtls://:8443
