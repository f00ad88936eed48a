# page: en/docs/concepts/auth.md
# section: Authentication Whitelist
gost -L 'http://user:pass@:8080?skipauth=192.168.0.0/24,172.22.22.22/32'
