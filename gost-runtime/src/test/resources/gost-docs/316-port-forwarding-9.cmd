# page: en/docs/tutorials/port-forwarding.md
# section: Forwarding Chain
gost -L udp://:10053/192.168.1.1:53 -F socks5://192.168.1.2:1080
