# page: en/docs/reference/listeners/runix.md
# section: With Forwarding Chain
gost -L=runix://./app.sock/var/run/remote.sock -F relay://192.168.1.2:8421
