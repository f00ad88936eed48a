# page: en/docs/getting-started/quick-start.md
# section: UDP Local Port Forwarding
gost -L udp://:10053/192.168.1.1:53
