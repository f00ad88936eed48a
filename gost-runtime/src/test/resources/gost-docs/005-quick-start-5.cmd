# page: en/docs/getting-started/quick-start.md
# section: Forwading
gost -L http://:8080 -F http://192.168.1.1:8080
