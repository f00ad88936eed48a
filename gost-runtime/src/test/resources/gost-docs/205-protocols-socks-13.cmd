# page: en/docs/tutorials/protocols/socks.md
# section: Negotiated Encryption
gost -L socks5://user:pass@:1080?notls=true
