# page: en/docs/reference/handlers/tcp.md
# section: TCP端口转发
gost -L tcp://:8080/192.168.1.1:80
