# page: en/docs/reference/listeners/tun.md
# section: TUN
gost -L tun://:8421?net=192.168.123.2/24
