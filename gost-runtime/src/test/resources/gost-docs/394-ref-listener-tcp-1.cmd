# page: en/docs/reference/listeners/tcp.md
# section: TCP
gost -L http://:8080
