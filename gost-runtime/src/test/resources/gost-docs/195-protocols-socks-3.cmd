# page: en/docs/tutorials/protocols/socks.md
# section: Standard SOCKS5 Proxy Service
gost -L socks5://user:pass@:1080
