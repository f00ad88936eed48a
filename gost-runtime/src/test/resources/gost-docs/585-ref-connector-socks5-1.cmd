# page: en/docs/reference/connectors/socks5.md
# section: SOCKS5
gost -L :8000 -F socks5://192.168.1.1:1080?notls=true
