# page: en/docs/concepts/proxy.md
# section: HTTPS to HTTP
gost -L http://:8080
