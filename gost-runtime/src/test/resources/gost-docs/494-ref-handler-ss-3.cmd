# page: en/docs/reference/handlers/ss.md
# section: 参数列表
gost -L "ss://none@:8338"
