# page: en/docs/concepts/proxy.md
# section: HTTPS to HTTP
gost -L tcp://:8080 -F forward+tls://:8443
