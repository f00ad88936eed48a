# page: en/docs/reference/configuration/cmd.md
# section: -C - Specify the path or content of the external configuration file
gost -C - < gost.yml
