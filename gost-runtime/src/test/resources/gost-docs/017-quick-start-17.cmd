# page: en/docs/getting-started/quick-start.md
# section: UDP Remote Port Forwarding
gost -L=rudp://:10053/:53 -F socks5://192.168.1.2:1080
