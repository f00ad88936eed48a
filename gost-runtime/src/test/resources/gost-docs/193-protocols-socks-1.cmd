# page: en/docs/tutorials/protocols/socks.md
# section: SOCKS4
gost -L socks4://:1080
