# page: en/docs/tutorials/protocols/ws.md
# section: Websocket Secure
gost -L wss://:8080
