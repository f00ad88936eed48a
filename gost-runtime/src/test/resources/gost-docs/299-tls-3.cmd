# page: en/docs/tutorials/tls.md
# section: Service-level Certificate
gost -L http+tls://:8443?certFile=cert.pem&keyFile=key.pem&caFile=ca.pem
