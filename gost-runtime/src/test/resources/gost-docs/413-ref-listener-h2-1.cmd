# page: en/docs/reference/listeners/h2.md
# section: H2
gost -L http+h2://:8443
