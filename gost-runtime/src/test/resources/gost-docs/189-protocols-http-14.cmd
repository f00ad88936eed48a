# page: en/docs/tutorials/protocols/http.md
# section: UDP Data Forwarding
gost -L http://:8080?udp=true
