# page: en/docs/tutorials/protocols/socks.md
# section: SOCKS Over Websocket
gost -L socks5+ws://:8080
