# page: en/docs/getting-started/quick-start.md
# section: TCP Local Port Forwarding (With Chain)
gost -L=tcp://:8080/192.168.1.1:80 -F socks5://192.168.1.2:1080
