# page: en/docs/reference/handlers/masque.md
# section: MASQUE
gost -L masque://:8443
