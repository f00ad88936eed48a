# page: en/docs/tutorials/protocols/relay.md
# section: Proxy
gost -L tcp://:2222/:22 -L udp://:1053/:53 -F relay://:8420
