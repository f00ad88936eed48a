# page: en/docs/tutorials/protocols/relay.md
# section: Port Forwarding
gost -L udp://:1053 -L tcp://:2222 -F relay://:8420
