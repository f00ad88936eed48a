# page: en/docs/reference/dialers/tcp.md
# section: TCP
gost -L :8000 -F http://:8080
