# page: en/docs/tutorials/port-forwarding.md
# section: SSH
gost -L sshd://user:pass@:22
