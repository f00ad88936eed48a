# page: en/docs/tutorials/protocols/socks.md
# section: UDP ASSOCIATE
gost -L "socks5://:1080?udp=true&udpBufferSize=4096"
