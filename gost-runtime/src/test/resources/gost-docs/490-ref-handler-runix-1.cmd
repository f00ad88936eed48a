# page: en/docs/reference/handlers/runix.md
# section: Unix Domain Socket Remote Forwarding
gost -L runix://./app.sock/var/run/remote.sock
