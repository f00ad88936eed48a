# page: en/docs/concepts/proxy.md
# section: Logical Layering
gost -L http://:8080 -F relay+wss://gost:gost@:8420
