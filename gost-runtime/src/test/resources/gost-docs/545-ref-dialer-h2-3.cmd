# page: en/docs/reference/dialers/h2.md
# section: H2C
gost -L :8080 -F http+h2c://:8443
