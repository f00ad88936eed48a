# page: en/docs/getting-started/quick-start.md
# section: HTTP Proxy
gost -L http://:8080
