# page: en/docs/reference/configuration/cmd.md
# section: -metrics - Specify prometheus metrics API address
gost -L http://:8080 -metrics :9000
