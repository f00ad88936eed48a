# page: en/docs/concepts/proxy.md
# section: Shadowsocks-over-KCP to Shadowsocks
gost -L ss+kcp://:8338
