/**
 * GOST's gRPC plugin protocol ({@code plugin.type: grpc}, GOST's default) for gost-java's control objects:
 * authers, admissions, bypasses, host mappers, resolvers and traffic limiters ask a plugin server through the
 * unary RPCs of GOST's .proto files (go-gost/plugin), which are compiled into {@code io.gost.plugin.control.grpc.proto}.
 *
 * <p>The runtime finds {@link io.gost.plugin.control.grpc.GrpcPluginClientProvider} with
 * {@link java.util.ServiceLoader} at the first plugin of type {@code grpc}, so a gost-java without one never
 * loads gRPC. Keep {@code META-INF/services} in step with {@code provides}.
 */
module io.gost.plugin.control.grpc {
    requires io.gost.runtime;
    requires io.grpc;
    requires io.grpc.stub;
    requires io.grpc.protobuf;
    requires io.grpc.netty.shaded;
    requires com.google.protobuf;
    // The generated future stubs use ListenableFuture.
    requires com.google.common;
    requires typesafe.config;
    requires org.slf4j;

    exports io.gost.plugin.control.grpc;
    // The generated messages and stubs: for plugin servers and tests written in Java.
    exports io.gost.plugin.control.grpc.proto;

    provides io.gost.runtime.control.PluginClientProvider with io.gost.plugin.control.grpc.GrpcPluginClientProvider;
}
