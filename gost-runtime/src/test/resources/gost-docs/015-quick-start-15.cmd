# page: en/docs/getting-started/quick-start.md
# section: TCP Remote Port Forwarding
gost -L=rtcp://:2222/:22 -F socks5://192.168.1.2:1080
