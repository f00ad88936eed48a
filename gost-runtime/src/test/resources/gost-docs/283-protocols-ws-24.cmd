# page: en/docs/tutorials/protocols/ws.md
# section: Port Forwarding
gost -L forward+wss://:8443/:1080 -L socks5://:1080
