# page: en/docs/tutorials/port-forwarding.md
# section: TCP
gost -L "tcp://:8080/192.168.1.1:80,192.168.1.2:80,192.168.1.3:8080?strategy=round&maxFails=1&failTimeout=30s"
