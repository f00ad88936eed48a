# page: en/docs/concepts/proxy.md
# section: HTTP-over-TLS
gost -L tls://:8443/:8080 -L http://:8080
