# page: en/docs/concepts/chain.md
# section: Virtual Node
gost -L :8080 -F direct://:0?interface=eth0
