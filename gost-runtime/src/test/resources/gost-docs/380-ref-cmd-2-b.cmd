# page: en/docs/reference/configuration/cmd.md
# section: scheme
gost -L http://:8080 -F http://gost:gost@192.168.1.1:8080,192.168.1.2:8080
