# page: en/docs/tutorials/tls.md
# section: Reject Unknown SNI
gost -L http+tls://:8443?rejectUnknownSNI=true&serverNames=example.com
