# page: en/docs/tutorials/port-forwarding.md
# section: Forwarding Chain
gost -L socks5://:1080?udp=true
