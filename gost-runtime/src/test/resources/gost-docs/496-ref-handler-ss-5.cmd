# page: en/docs/reference/handlers/ss.md
# section: 参数列表
gost -L "ssu://none@:8338"
