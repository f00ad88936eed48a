# page: en/docs/reference/handlers/sni.md
# section: SNI
gost -L sni://:8080
