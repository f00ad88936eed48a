# page: en/docs/concepts/proxy.md
# section: Logical Layering
gost -L relay+wss://:8420/:18080
