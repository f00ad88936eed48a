# page: en/docs/reference/listeners/h2.md
# section: H2C
gost -L http+h2c://:8443
