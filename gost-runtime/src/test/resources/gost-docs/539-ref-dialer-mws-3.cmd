# page: en/docs/reference/dialers/mws.md
# section: Websocket Over TLS
gost -L :8080 -F http+mwss://:8443?path=/ws
