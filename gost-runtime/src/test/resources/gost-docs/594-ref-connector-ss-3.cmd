# page: en/docs/reference/connectors/ss.md
# section: Shadowsocks
gost -L ":8080" -F "ss://none@proxy.example.com:8338"
