# page: en/docs/reference/configuration/cmd.md
# section: -O - Specify the configuration output format
gost -L http://:8080 -O json
