# page: en/docs/reference/dialers/http3.md
# section: HTTP/3
gost -L :8080 -F http+http3://:8443
