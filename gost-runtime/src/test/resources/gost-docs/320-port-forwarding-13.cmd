# page: en/docs/tutorials/port-forwarding.md
# section: SSH
gost -L tcp://:8080/192.168.1.1:80 -F sshd://user:pass@192.168.1.2:22
