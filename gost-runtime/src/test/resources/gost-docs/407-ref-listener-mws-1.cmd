# page: en/docs/reference/listeners/mws.md
# section: Websocket
gost -L http+mws://:8080?path=/ws
