# page: en/docs/reference/connectors/ss.md
# section: Shadowsocks
gost -L ":8080" -F "ssu://none@proxy.example.com:8338"
