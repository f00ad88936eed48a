# page: en/docs/reference/handlers/red.md
# section: TCP Redirect
gost -L red://:8080
