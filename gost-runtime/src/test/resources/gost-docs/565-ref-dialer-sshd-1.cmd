# page: en/docs/reference/dialers/sshd.md
# section: 用户名/密码认证
gost -L :8080 -F sshd://gost:gost@:8443
