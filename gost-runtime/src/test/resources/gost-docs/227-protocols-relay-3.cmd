# page: en/docs/tutorials/protocols/relay.md
# section: Proxy
gost -L relay://:8420
