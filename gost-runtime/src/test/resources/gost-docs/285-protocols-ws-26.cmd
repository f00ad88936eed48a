# page: en/docs/tutorials/protocols/ws.md
# section: Port Forwarding
gost -L socks5+wss://:8443
