# page: en/docs/concepts/selector.md
# section: Hash Strategy
gost -L http://:8080 -F "socks5://192.168.1.1:1080,192.168.1.2:1080?strategy=hash"
