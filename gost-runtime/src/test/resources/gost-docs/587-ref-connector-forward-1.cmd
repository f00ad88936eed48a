# page: en/docs/reference/connectors/forward.md
# section: Forward
gost -L tls://:8443/192.168.1.1:80
