# page: en/docs/reference/handlers/auto.md
# section: Auto
gost -L auto://:8080
