# page: en/docs/concepts/service.md
# section: Ignore Chain
gost -L http://:8080?ignoreChain=true -L socks://:1080 -F http://:8000
