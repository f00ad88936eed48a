# page: en/docs/concepts/proxy.md
# section: Logical Layering
gost -L tcp://:8080 -F relay+wss://:8420
