# page: en/docs/tutorials/tls.md
# section: Mutual TLS authentication
gost -L http://:8080 -F tls://IP_OR_DOMAIN:8443?certFile=cert.pem&keyFile=key.pem
