# page: en/docs/concepts/auth.md
# section: Single Authentication
gost -L http://:8080 -F socks5://user:pass@:1080
