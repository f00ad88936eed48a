# page: en/docs/concepts/bypass.md
# section: Hop Level Bypass
gost -L http://:8080 -F http://:8081?bypass=~example.com,.example.org -F http://:8082?bypass=example.com
