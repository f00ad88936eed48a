# page: en/docs/tutorials/port-forwarding.md
# section: UDP
gost -L rudp://:10053/192.168.1.1:53,192.168.1.2:53,192.168.1.3:53?ttl=5s
