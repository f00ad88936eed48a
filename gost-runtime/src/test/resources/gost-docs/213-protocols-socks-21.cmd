# page: en/docs/tutorials/protocols/socks.md
# section: UDP-TUN (UDP-Over-TCP Tunnel)
gost -L udp://:10053/:53 -F socks5://:1080
