# page: en/docs/tutorials/protocols/socks.md
# section: MBIND (Multiplex BIND)
gost -L rtcp://:2222/:22 -F socks5://:1080
