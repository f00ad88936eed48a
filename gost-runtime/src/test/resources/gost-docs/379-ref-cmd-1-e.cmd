# page: en/docs/reference/configuration/cmd.md
# section: scheme
gost -L tcp://:8080/192.168.1.1:80
