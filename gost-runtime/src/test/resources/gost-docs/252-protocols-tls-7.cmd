# page: en/docs/tutorials/protocols/tls.md
# section: SOCKS5 Over TLS
gost -L socks5+tls://:8443
