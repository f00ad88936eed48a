# page: en/docs/tutorials/protocols/tls.md
# section: HTTP Over TLS
gost -L http+tls://:8443
