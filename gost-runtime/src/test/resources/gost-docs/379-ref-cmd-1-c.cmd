# page: en/docs/reference/configuration/cmd.md
# section: scheme
gost -L http+tls://gost:gost@:8443
