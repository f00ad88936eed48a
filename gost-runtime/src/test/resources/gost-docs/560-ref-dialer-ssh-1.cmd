# page: en/docs/reference/dialers/ssh.md
# section: 用户名/密码认证
gost -L :8080 -F http+ssh://gost:gost@:8443
