# page: en/docs/concepts/auth.md
# section: Single Authentication
gost -L http://user:pass@:8080
