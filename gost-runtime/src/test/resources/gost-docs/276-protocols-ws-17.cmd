# page: en/docs/tutorials/protocols/ws.md
# section: HTTP Over Websocket
gost -L http+wss://:8443
