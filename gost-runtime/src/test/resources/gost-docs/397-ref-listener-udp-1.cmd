# page: en/docs/reference/listeners/udp.md
# section: UDP
gost -L ssu+udp://:8388?backlog=128&ttl=60s
