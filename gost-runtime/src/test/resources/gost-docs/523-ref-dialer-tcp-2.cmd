# page: en/docs/reference/dialers/tcp.md
# section: TCP
gost -L :8000 -F http+tcp://:8080
