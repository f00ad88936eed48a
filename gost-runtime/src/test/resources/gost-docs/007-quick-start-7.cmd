# page: en/docs/getting-started/quick-start.md
# section: Multi-level Forwarding Chain
gost -L :8080 -F http://192.168.1.1:8080 -F socks5://192.168.1.2:1080
