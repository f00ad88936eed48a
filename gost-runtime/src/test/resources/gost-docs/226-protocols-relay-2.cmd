# page: en/docs/tutorials/protocols/relay.md
# section: Proxy
gost -L :8080 -F relay://username:password@:12345?nodelay=false
