# page: en/docs/reference/dialers/pht.md
# section: Plain HTTP Tunnel
gost -L :8080 http+pht://:8443
