# page: en/docs/concepts/limiter.md
# section: Quota Limiter
gost -L ":8080?quotas=quota-0"
