# page: en/docs/reference/listeners/redu.md
# section: UDP透明代理
gost -L redu://:12345
