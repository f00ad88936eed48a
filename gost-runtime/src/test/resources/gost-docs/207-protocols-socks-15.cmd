# page: en/docs/tutorials/protocols/socks.md
# section: MBIND (Multiplex BIND)
gost -L socks5://:1080?bind=true
