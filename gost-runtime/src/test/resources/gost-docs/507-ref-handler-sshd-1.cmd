# page: en/docs/reference/handlers/sshd.md
# section: SSHD
gost -L sshd://gost:gost@:2222
