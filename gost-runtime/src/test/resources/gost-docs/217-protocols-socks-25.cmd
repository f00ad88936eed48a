# page: en/docs/tutorials/protocols/socks.md
# section: SOCKS Over TLS
gost -L socks4+tls://:8443
