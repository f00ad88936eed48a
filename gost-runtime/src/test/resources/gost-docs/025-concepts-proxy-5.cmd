# page: en/docs/concepts/proxy.md
# section: Port Forwarding Using a Proxy
gost -L tcp://:8080/192.168.1.1:80 -F http://192.168.1.2:8080
