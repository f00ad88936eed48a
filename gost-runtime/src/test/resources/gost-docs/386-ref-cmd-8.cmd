# page: en/docs/reference/configuration/cmd.md
# section: -V - Print version
gost -V
