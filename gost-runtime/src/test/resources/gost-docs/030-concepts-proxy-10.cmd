# page: en/docs/concepts/proxy.md
# section: HTTPS to HTTP
gost -L https://:8443
