# page: en/docs/concepts/service.md
# section: Service
gost -L http://:8080
