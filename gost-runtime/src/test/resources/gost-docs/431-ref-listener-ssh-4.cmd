# page: en/docs/reference/listeners/ssh.md
# section: 公钥认证
gost -L http+ssh://gost@:8443?authorizedKeys=/path/to/authorized_keys
