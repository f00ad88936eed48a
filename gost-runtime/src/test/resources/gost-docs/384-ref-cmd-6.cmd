# page: en/docs/reference/configuration/cmd.md
# section: -D - Enable Debug log level
gost -L http://:8080 -D
