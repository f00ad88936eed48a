# page: en/docs/concepts/service.md
# section: Multiple Processes
gost -L http://:8080 -- -L http://:8000 -- -L socks://:1080 -F http://:8000
