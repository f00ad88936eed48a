# page: en/docs/tutorials/protocols/relay.md
# section: Remote Port Forwarding
gost -L rtcp://:2222/:22 -L rudp://:10053/:53 -F relay://:8420
