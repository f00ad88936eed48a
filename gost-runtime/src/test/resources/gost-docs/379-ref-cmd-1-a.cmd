# page: en/docs/reference/configuration/cmd.md
# section: scheme
gost -L http://:8080
