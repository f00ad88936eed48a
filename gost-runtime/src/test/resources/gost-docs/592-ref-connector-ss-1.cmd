# page: en/docs/reference/connectors/ss.md
# section: Shadowsocks
gost -L :8000 -F ss://AEAD_CHACHA20_POLY1305:123456@:8338
