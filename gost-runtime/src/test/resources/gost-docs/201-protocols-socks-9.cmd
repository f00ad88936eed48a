# page: en/docs/tutorials/protocols/socks.md
# section: UDP ASSOCIATE
gost -L udp://:1053/:53 -F "socks5://:1080?relay=udp&udpBufferSize=4096"
