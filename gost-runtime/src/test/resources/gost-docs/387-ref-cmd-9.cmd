# page: en/docs/reference/configuration/cmd.md
# section: -api - Specify the web API address
gost -L http://:8080 -api :18080
