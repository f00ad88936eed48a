# page: en/docs/tutorials/protocols/socks.md
# section: UDP-TUN (UDP-Over-TCP Tunnel)
gost -L socks5://:1080?udp=true
