# page: en/docs/reference/handlers/ss.md
# section: Shadowsocks
gost -L ss://AEAD_CHACHA20_POLY1305:123456@:8338
