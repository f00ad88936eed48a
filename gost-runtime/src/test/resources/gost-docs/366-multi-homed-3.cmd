# page: en/docs/tutorials/multi-homed.md
# section: Forwarding Chain
gost -L :8080 -F :8000?interface=192.168.0.1
