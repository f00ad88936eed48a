# page: en/docs/tutorials/protocols/http.md
# section: HTTP Over TLS
gost -L http+tls://:8443
