# page: en/docs/tutorials/protocols/ws.md
# section: Relay Over Websocket
gost -L relay+wss://:8443
