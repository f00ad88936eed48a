# page: en/docs/reference/dialers/ssh.md
# section: 公钥认证
gost -L :8080 -F http+ssh://gost@:8443?privateKeyFile=/path/to/privateKeyFile
