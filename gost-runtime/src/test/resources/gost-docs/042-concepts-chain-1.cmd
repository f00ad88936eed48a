# page: en/docs/concepts/chain.md
# section: Forwarding Chain
gost -L http://:8080 -F https://192.168.1.1:8080 -F socks5+ws://192.168.1.2:1080
