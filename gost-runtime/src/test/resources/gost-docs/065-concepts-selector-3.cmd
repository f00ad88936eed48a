# page: en/docs/concepts/selector.md
# section: Forwarder
gost -L "tcp://:8080/:8081,:8082?strategy=round&maxFails=1&failTimeout=30s
