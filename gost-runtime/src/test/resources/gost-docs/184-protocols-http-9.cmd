# page: en/docs/tutorials/protocols/http.md
# section: HTTP Over Websocket
gost -L http+ws://:8080
