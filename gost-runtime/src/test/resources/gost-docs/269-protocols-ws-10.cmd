# page: en/docs/tutorials/protocols/ws.md
# section: Custom Request Path
gost -L http://:8080 -F wss://:8443?path=/ws
