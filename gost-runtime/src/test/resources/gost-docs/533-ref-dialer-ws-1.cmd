# page: en/docs/reference/dialers/ws.md
# section: Websocket
gost -L :8080 -F http+ws://:8080?path=/ws
