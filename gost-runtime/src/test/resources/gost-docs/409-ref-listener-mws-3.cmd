# page: en/docs/reference/listeners/mws.md
# section: Websocket Over TLS
gost -L http+mwss://:8443?path=/ws
