# page: en/docs/reference/dialers/tls.md
# section: TLS
gost -L :8080 -F http+tls://:8443
