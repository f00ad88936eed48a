# page: en/docs/reference/connectors/http2.md
# section: HTTP2
gost -L :8000 -F http2://192.168.1.1:8443
