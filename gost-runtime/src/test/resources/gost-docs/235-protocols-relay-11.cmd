# page: en/docs/tutorials/protocols/relay.md
# section: Remote Port Forwarding
gost -L relay://:8420?bind=true
