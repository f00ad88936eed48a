# page: en/docs/concepts/limiter.md
# section: Bandwidth Limiter
gost -L ":8080?limiter.in=100MB&limiter.out=100MB&limiter.conn.in=10MB&limiter.conn.out=10MB"
