# page: en/docs/tutorials/port-forwarding.md
# section: UDP
gost -L "udp://:10053/192.168.1.1:53,192.168.1.2:53,192.168.1.3:53?keepAlive=true&ttl=5s&readBufferSize=4096"
