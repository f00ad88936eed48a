# page: en/docs/tutorials/protocols/ws.md
# section: Custom Request Path
gost -L wss://:8443?path=/ws
