# page: en/docs/tutorials/protocols/tls.md
# section: Port Forwarding
gost -L http+tls://:8443
