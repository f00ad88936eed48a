# page: en/docs/reference/dialers/ws.md
# section: Websocket Over TLS
gost -L :8080 -F http+wss://:8443?path=/ws
