# page: en/docs/tutorials/protocols/ws.md
# section: SOCKS5 Over Websocket
gost -L socks5+wss://:8443
