# page: en/docs/tutorials/protocols/tls.md
# section: Multiplexing
gost -L mtls://:8443
