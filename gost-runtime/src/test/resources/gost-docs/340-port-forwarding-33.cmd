# page: en/docs/tutorials/port-forwarding.md
# section: Many-to-Many
gost -L tcp://:8000-8003/192.168.1.1:8000-8010
