# page: en/docs/tutorials/port-forwarding.md
# section: Unix Domain Socket
gost -L runix://./app.sock/var/run/remote.sock
