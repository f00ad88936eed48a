# page: en/docs/tutorials/protocols/socks.md
# section: SOCKS Over KCP
gost -L socks5+kcp://:8080
