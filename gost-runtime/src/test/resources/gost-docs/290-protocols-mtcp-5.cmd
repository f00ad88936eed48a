# page: en/docs/tutorials/protocols/mtcp.md
# section: SOCKS5 Over MTCP
gost -L socks5+mtcp://:8443
