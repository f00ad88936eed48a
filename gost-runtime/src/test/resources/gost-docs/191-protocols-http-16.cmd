# page: en/docs/tutorials/protocols/http.md
# section: UDP Data Forwarding
gost -L udp://:10053/1.1.1.1:53 -F http://:8080
