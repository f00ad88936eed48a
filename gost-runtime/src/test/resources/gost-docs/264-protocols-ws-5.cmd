# page: en/docs/tutorials/protocols/ws.md
# section: Multiplexing
gost -L mws://:8443
