# page: en/docs/reference/configuration/cmd.md
# section: scheme
gost -L tcp://:8080/192.168.1.1:80,192.168.1.2:80,192.168.1.3:8080
