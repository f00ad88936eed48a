# page: en/docs/reference/dialers/sshd.md
# section: 公钥认证
gost -L sshd://gost@:2222?authorizedKeys=/path/to/authorized_keys
