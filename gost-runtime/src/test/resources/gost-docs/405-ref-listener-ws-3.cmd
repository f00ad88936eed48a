# page: en/docs/reference/listeners/ws.md
# section: Websocket Over TLS
gost -L http+wss://:8443?path=/ws
