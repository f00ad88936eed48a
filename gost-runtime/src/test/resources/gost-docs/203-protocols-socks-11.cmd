# page: en/docs/tutorials/protocols/socks.md
# section: iperf Test
gost -L "socks5://:1080?notls=true&udp=true&udpBufferSize=65535"
