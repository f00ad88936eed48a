# page: en/docs/tutorials/port-forwarding.md
# section: Client
gost -L tcp://:8080 -F forward+tls://:8443
