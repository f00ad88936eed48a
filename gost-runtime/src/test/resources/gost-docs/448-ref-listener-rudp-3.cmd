# page: en/docs/reference/listeners/rudp.md
# section: 使用转发链
gost -L=rtcp://:10053/192.168.1.1:53 -F socks5://192.168.1.2:1080
