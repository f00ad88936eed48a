# page: en/docs/tutorials/multi-homed.md
# section: interface Option
gost -L :8080?interface=eth0
