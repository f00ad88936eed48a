# page: en/docs/reference/connectors/socks4.md
# section: SOCKS4
gost -L :8000 -F socks4://192.168.1.1:1080
