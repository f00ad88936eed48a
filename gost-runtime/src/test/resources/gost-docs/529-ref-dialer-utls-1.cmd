# page: en/docs/reference/dialers/utls.md
# section: uTLS
gost -L :8080 -F http+utls://:8443
