# page: en/docs/reference/handlers/ssu.md
# section: Shadowsocks UDP Relay
gost -L ssu://AEAD_CHACHA20_POLY1305:123456@:8338
