# page: en/docs/tutorials/port-forwarding.md
# section: Forwarding Chain
gost -L relay://:8421?bind=true
