# page: en/docs/concepts/proxy.md
# section: Shadowsocks-over-KCP
gost -L kcp://:8338/:8388 -L ss://:8388
