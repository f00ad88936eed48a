# page: en/docs/reference/dialers/icmp.md
# section: ICMP
gost -L :8080 -F http+icmp://:12345
