# page: en/docs/reference/listeners/quic.md
# section: QUIC
gost -L http+quic://:8443
