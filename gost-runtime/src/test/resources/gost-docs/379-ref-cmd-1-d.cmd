# page: en/docs/reference/configuration/cmd.md
# section: scheme
gost -L tls://:8443
