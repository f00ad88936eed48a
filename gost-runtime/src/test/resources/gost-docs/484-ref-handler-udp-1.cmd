# page: en/docs/reference/handlers/udp.md
# section: UDP端口转发
gost -L udp://:10053/192.168.1.1:53
