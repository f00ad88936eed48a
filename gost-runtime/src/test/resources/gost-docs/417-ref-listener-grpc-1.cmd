# page: en/docs/reference/listeners/grpc.md
# section: gRPC
gost -L http+grpc://:8443
