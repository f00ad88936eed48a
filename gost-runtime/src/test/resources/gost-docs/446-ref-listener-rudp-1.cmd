# page: en/docs/reference/listeners/rudp.md
# section: 不使用转发链
gost -L=rudp://:10053/192.168.1.1:53
