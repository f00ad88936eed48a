# page: en/docs/reference/listeners/red.md
# section: TCP透明代理
gost -L red://:12345
