# page: en/docs/reference/listeners/ssh.md
# section: 用户名/密码认证
gost -L http+ssh://gost:gost@:8443
