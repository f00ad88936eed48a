# page: en/docs/concepts/limiter.md
# section: Request Rate Limiter
gost -L ":8080?rlimiter=10"
