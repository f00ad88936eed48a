# page: en/docs/concepts/proxy.md
# section: Shadowsocks-over-KCP to Shadowsocks
gost -L tcp://:8080 -F forward+kcp://:8338
