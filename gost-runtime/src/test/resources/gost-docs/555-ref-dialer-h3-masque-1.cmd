# page: en/docs/reference/dialers/h3-masque.md
# section: H3-MASQUE
gost -L :8080 -F masque+h3-masque://:8443
