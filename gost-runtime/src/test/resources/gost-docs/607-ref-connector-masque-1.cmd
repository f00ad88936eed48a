# page: en/docs/reference/connectors/masque.md
# section: MASQUE
    gost -L :8080 -F masque+h3-masque://:8443
