# page: en/docs/concepts/limiter.md
# section: Max Connections Limiter
gost -L ":8080?climiter=1000"
