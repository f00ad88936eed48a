# page: en/docs/tutorials/protocols/tls.md
# section: Port Forwarding
gost -L forward+tls://:8443/:8080 -L http://:8080
