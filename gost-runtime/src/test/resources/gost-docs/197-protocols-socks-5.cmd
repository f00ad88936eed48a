# page: en/docs/tutorials/protocols/socks.md
# section: BIND
gost -L socks5://user:pass@:1080?bind=true
