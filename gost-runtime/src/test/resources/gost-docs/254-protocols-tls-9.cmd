# page: en/docs/tutorials/protocols/tls.md
# section: Relay Over TLS
gost -L relay+tls://:8443
