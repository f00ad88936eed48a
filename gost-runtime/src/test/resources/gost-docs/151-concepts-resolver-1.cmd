# page: en/docs/concepts/resolver.md
# section: Resolver In Service
gost -L http://:8080?resolver=1.1.1.1,tcp://8.8.8.8,tls://8.8.8.8:853,https://1.0.0.1/dns-query
