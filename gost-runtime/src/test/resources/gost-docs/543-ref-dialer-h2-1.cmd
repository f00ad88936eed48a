# page: en/docs/reference/dialers/h2.md
# section: H2
gost -L :8080 -F http+h2://:8443
