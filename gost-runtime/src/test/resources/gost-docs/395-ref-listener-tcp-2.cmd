# page: en/docs/reference/listeners/tcp.md
# section: TCP
gost -L http+tcp://:8080
