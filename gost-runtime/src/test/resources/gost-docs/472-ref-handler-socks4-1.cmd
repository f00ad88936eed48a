# page: en/docs/reference/handlers/socks4.md
# section: SOCKSv4(a)
gost -L socks4://:8080
