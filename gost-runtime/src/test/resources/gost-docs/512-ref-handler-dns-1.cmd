# page: en/docs/reference/handlers/dns.md
# section: DNS
gost -L dns://:10053?dns=1.1.1.1:53
