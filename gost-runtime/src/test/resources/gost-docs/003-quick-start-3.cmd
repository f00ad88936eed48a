# page: en/docs/getting-started/quick-start.md
# section: Multiple Services
gost -L http://:8080 -L socks5://:1080
