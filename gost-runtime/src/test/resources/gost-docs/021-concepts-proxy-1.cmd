# page: en/docs/concepts/proxy.md
# section: Logical Layering
gost -L relay+wss://gost:gost@:8420
