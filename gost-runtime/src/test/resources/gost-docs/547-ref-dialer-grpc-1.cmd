# page: en/docs/reference/dialers/grpc.md
# section: gRPC
gost -L :8080 -F http+grpc://:8443
