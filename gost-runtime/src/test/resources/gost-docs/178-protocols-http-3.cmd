# page: en/docs/tutorials/protocols/http.md
# section: Standard HTTP Proxy (With Authentication Enabled)
gost -L http://user:pass@:8080
