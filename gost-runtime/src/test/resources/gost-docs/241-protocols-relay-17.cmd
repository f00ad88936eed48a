# page: en/docs/tutorials/protocols/relay.md
# section: Relay Over Websocket
gost -L relay+ws://:8080
