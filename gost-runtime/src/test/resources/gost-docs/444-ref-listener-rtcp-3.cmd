# page: en/docs/reference/listeners/rtcp.md
# section: 使用转发链
gost -L=rtcp://:2222/192.168.1.1:22 -F socks5://192.168.1.2:1080
