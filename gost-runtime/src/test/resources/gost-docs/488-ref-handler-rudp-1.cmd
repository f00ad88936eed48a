# page: en/docs/reference/handlers/rudp.md
# section: UDP远程端口转发
gost -L rudp://:10053/:53
