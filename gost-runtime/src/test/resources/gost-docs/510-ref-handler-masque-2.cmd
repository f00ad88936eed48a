# page: en/docs/reference/handlers/masque.md
# section: MASQUE
gost -L masque+h3://:8443
