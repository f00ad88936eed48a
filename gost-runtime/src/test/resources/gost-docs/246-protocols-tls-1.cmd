# page: en/docs/tutorials/protocols/tls.md
# section: Standard TLS Service
gost -L tls://:8443
