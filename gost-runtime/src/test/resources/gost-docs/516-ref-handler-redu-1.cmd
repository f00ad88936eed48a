# page: en/docs/reference/handlers/redu.md
# section: UDP透明代理
gost -L redu://:8080
