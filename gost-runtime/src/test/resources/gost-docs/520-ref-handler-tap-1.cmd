# page: en/docs/reference/handlers/tap.md
# section: TAP
gost -L tap://:8421?net=192.168.123.2/24
