# page: en/docs/tutorials/protocols/relay.md
# section: Relay Over TLS
gost -L relay+tls://:8443
