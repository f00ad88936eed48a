# page: en/docs/tutorials/port-forwarding.md
# section: Forwarding Chain
gost -L http://:8080?udp=true
