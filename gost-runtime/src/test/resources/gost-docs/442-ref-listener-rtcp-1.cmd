# page: en/docs/reference/listeners/rtcp.md
# section: 不使用转发链
gost -L=rtcp://:2222/192.168.1.1:22
