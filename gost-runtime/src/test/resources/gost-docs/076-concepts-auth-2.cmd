# page: en/docs/concepts/auth.md
# section: Single Authentication
gost -L http://:8080?auth=dXNlcjpwYXNz
