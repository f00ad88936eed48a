# page: en/docs/reference/listeners/pht.md
# section: Plain HTTP Tunnel
gost -L http+pht://:8080
