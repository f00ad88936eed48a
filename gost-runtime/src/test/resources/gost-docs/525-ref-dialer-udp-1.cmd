# page: en/docs/reference/dialers/udp.md
# section: UDP
gost -L :8080 -F ssu+udp://AEAD_CHACHA20_POLY1305:123456@:8338
