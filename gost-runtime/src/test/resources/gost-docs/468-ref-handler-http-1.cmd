# page: en/docs/reference/handlers/http.md
# section: HTTP
gost -L http://:8080
