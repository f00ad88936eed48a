# page: en/docs/reference/listeners/icmp.md
# section: ICMP
gost -L http+icmp://:0?keepAlive=true
