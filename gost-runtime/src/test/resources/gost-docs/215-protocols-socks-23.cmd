# page: en/docs/tutorials/protocols/socks.md
# section: Tor RESOLVE
gost -L "socks5://:1080?tor=true" -F "socks5://127.0.0.1:9050"
