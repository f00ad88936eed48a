# page: en/docs/reference/handlers/socks5.md
# section: 参数列表
gost -L "socks5://:1080?tor=true" -F "socks5://127.0.0.1:9050"
