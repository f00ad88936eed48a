# page: en/docs/reference/listeners/tls.md
# section: TLS
gost -L http+tls://:8443
