# page: en/docs/getting-started/quick-start.md
# section: TCP Local Port Forwarding
gost -L tcp://:8080/192.168.1.1:80
