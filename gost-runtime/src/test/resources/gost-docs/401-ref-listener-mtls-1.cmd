# page: en/docs/reference/listeners/mtls.md
# section: 多路复用TLS
gost -L http+mtls://:8443
