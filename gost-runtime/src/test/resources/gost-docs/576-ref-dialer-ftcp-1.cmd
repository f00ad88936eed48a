# page: en/docs/reference/dialers/ftcp.md
# section: Fake TCP
gost -L :8080 -F http+ftcp://:8443
