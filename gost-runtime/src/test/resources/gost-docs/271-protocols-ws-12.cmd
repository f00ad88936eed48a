# page: en/docs/tutorials/protocols/ws.md
# section: Custom Request Hostname
gost -L http://:8080 -F wss://:8443?host=example.com
