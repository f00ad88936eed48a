# page: en/docs/tutorials/protocols/mtcp.md
# section: Port Forwarding
gost -L forward+mtcp://:8443/:8080 -L http://:8080
