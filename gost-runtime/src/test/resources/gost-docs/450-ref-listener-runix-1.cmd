# page: en/docs/reference/listeners/runix.md
# section: Without Forwarding Chain
gost -L=runix://./app.sock
