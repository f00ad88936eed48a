# page: en/docs/concepts/hosts.md
# section: Mapper In Chain
gost -L http://:8000 -F http://example.com:8080?hosts=example.com:127.0.0.1,example.com:2001:db8::1
