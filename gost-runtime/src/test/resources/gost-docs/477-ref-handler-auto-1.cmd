# page: en/docs/reference/handlers/auto.md
# section: Auto
gost -L :8080
