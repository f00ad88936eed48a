# page: en/docs/reference/handlers/relay.md
# section: Relay
gost -L relay://:8421
