# page: en/docs/reference/listeners/http3.md
# section: HTTP/3
gost -L http+http3://:8080
