# page: en/docs/reference/dialers/kcp.md
# section: KCP
gost -L :8080 -F http+kcp://:8443
