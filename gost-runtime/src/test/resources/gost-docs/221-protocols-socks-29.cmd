# page: en/docs/tutorials/protocols/socks.md
# section: SOCKS Over Websocket
gost -L socks5+wss://:8080
