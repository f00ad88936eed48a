# page: en/docs/reference/handlers/socks5.md
# section: SOCKSv5
gost -L socks://:1080
