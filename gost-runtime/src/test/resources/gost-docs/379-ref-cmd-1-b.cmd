# page: en/docs/reference/configuration/cmd.md
# section: scheme
gost -L http://:8080 -L socks5://:1080?foo=bar
