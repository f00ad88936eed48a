# page: en/docs/concepts/selector.md
# section: Target Address Hash Value
gost -L http://:8080?hash=host -F "socks5://192.168.1.1:1080,192.168.1.2:1080?strategy=hash&maxFails=1&failTimeout=10s"
