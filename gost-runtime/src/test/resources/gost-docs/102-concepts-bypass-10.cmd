# page: en/docs/concepts/bypass.md
# section: Service Level Bypass
gost -L http://:8080?bypass=example.com
