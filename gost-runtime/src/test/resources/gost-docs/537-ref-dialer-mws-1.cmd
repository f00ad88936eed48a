# page: en/docs/reference/dialers/mws.md
# section: Websocket
gost -L :8080 -F http+mws://:8443?path=/ws
