# page: en/docs/reference/connectors/sshd.md
# section: SSH Forward
gost -L=tcp://:8080/192.168.1.1:80 -F sshd://gost:gost@192.168.1.2:22
