# page: en/docs/reference/listeners/sshd.md
# section: 用户名/密码认证
gost -L sshd://gost:gost@:2222
