# page: en/docs/reference/connectors/http.md
# section: HTTP
gost -L :8000 -F http://192.168.1.1:8080
