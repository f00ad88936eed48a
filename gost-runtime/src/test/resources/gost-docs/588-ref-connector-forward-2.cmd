# page: en/docs/reference/connectors/forward.md
# section: Forward
gost -L tcp://:8000 -F forward+tls://:8443
