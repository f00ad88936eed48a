# page: en/docs/tutorials/protocols/http.md
# section: HTTP Over TLS
gost -L https://:8443
