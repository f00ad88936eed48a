# page: en/docs/concepts/hosts.md
# section: DNS Proxy
gost -L dns://:10053?dns=1.1.1.1&hosts=example.org:127.0.0.1,example.org:::1
