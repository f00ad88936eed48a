# page: en/docs/reference/listeners/http2.md
# section: HTTP/2
gost -L http2://:8443
