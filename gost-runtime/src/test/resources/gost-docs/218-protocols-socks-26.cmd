# page: en/docs/tutorials/protocols/socks.md
# section: SOCKS Over TLS
gost -L socks5+tls://:8443?notls=true
