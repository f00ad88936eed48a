# page: en/docs/reference/listeners/ftcp.md
# section: Fake TCP
gost -L http+ftcp://:8443
