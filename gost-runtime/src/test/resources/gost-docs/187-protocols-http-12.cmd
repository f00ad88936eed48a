# page: en/docs/tutorials/protocols/http.md
# section: HTTP Over KCP
gost -L http+kcp://:8080
