# page: en/docs/reference/connectors/sni.md
# section: Host混淆
gost -L :8000 -F sni://:8080?host=example.com
