# page: en/docs/tutorials/protocols/relay.md
# section: Relay Over KCP
gost -L relay+kcp://:8080
