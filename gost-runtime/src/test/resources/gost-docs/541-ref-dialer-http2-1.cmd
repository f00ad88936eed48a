# page: en/docs/reference/dialers/http2.md
# section: HTTP/2
gost -L :8080 -F http2://:8443
