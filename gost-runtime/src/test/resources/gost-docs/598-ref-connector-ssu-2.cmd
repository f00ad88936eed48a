# page: en/docs/reference/connectors/ssu.md
# section: Shadowsocks UDP
gost -L :8000 -F ssu+udp://AEAD_CHACHA20_POLY1305:123456@:8338
