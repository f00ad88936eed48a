# page: en/docs/tutorials/protocols/ws.md
# section: Keep-Alive
gost -L http://:8080 -F "wss://:8443?keepalive=true&ttl=15s"
