# page: en/docs/tutorials/protocols/relay.md
# section: Proxy
gost -L relay://username:password@:12345
