# page: en/docs/tutorials/protocols/ws.md
# section: Multiplexing
gost -L mwss://:8443
