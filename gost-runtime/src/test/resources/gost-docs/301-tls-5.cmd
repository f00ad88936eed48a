# page: en/docs/tutorials/tls.md
# section: Client Settings
gost -L http://:8080 -F tls://IP_OR_DOMAIN:8443?secure=true&serverName=www.example.com
