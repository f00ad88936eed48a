# page: en/docs/tutorials/port-forwarding.md
# section: Server
gost -L tls://:8443/192.168.1.1:80
