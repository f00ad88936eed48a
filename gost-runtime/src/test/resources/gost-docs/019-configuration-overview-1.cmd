# page: en/docs/getting-started/configuration-overview.md
# section: Configuration Overview
gost -L http://gost:gost@localhost:8080?foo=bar -F socks5+tls://gost:gost@192.168.1.1:8080?bar=baz
