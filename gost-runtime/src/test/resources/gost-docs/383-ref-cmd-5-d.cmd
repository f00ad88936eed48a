# page: en/docs/reference/configuration/cmd.md
# section: -O - Specify the configuration output format
gost -C gost.yaml -O json
