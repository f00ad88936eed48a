# page: en/docs/reference/listeners/ws.md
# section: Websocket
gost -L http+ws://:8080?path=/ws
