# page: en/docs/reference/configuration/cmd.md
# section: -DD - Enable Trace log level
gost -L http://:8080 -DD
