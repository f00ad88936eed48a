# page: en/docs/reference/dialers/quic.md
# section: QUIC
gost -L :8080 -F http+quic://:8443
