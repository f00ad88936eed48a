# page: en/docs/concepts/proxy.md
# section: Shadowsocks-over-KCP
gost -L ss+kcp://:8338
