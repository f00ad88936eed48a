# page: en/docs/reference/listeners/dns.md
# section: DNS
gost -L dns://:10053?mode=udp
