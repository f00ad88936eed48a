# page: en/docs/concepts/proxy.md
# section: HTTP-over-TLS
gost -L https://:8443
