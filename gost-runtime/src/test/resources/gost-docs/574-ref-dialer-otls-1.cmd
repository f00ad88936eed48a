# page: en/docs/reference/dialers/otls.md
# section: TLS混淆
gost -L :8080 -F http+otls://:8443
