# page: en/docs/tutorials/port-forwarding.md
# section: Forwarding Chain
gost -L tcp://:8080/192.168.1.1:80 -F socks5://192.168.1.2:1080
