# page: en/docs/reference/connectors/relay.md
# section: Relay
gost -L :8000 -F relay://:8421
