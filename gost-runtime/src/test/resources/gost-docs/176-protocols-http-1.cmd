# page: en/docs/tutorials/protocols/http.md
# section: Standard HTTP Proxy
gost -L http://:8080
