# page: en/docs/tutorials/protocols/ws.md
# section: Websocket
gost -L ws://:8080
