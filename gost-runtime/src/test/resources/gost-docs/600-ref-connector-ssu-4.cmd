# page: en/docs/reference/connectors/ssu.md
# section: Shadowsocks UDP
gost -L ":8080" -F "ssu://none@proxy.example.com:8338"
