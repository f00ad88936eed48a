# page: en/docs/reference/connectors/sni.md
# section: SNI
gost -L :8000 -F sni://:8080
