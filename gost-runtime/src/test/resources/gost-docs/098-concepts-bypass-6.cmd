# page: en/docs/concepts/bypass.md
# section: Port Matching
gost -L http://:8080?bypass=192.168.1.1:80,192.168.1.2:0-65535,example.com:80,.example.com:443
