# page: en/docs/concepts/hosts.md
# section: Mapper In Service
gost -L http://:8080?hosts=example.org:127.0.0.1,example.org:::1,example.com:2001:db8::1
