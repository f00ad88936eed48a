# page: en/docs/reference/handlers/http2.md
# section: HTTP2
gost -L http2://:8443
