# page: en/docs/concepts/proxy.md
# section: Shadowsocks-over-KCP to Shadowsocks
gost -L ss://:8080
