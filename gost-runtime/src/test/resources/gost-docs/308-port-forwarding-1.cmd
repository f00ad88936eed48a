# page: en/docs/tutorials/port-forwarding.md
# section: TCP
gost -L tcp://:8080/192.168.1.1:80
