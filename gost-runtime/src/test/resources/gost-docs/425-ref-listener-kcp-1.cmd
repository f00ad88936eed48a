# page: en/docs/reference/listeners/kcp.md
# section: KCP
gost -L http+kcp://:8443
