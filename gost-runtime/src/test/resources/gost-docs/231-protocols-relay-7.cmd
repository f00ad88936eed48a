# page: en/docs/tutorials/protocols/relay.md
# section: Port Forwarding
gost -L relay://:8420/:53
