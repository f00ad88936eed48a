# page: en/docs/reference/handlers/ss.md
# section: 参数列表
gost -L ":8080" -F "ssu://none@proxy.example.com:8338"
