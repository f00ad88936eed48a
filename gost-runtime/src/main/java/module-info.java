/**
 * The gost-java runtime: configuration front ends, plugin registry, services, chains, router, relay,
 * network namespace placement and the {@code gost} command line.
 */
module io.gost.runtime {
    requires transitive io.gost.api;
    requires io.netty.handler;
    requires io.netty.resolver.dns;
    requires io.netty.codec.dns;
    requires io.netty.transport.classes.epoll;
    requires io.netty.codec;
    // The JVM metrics (memory pools, GC, threads, process) beside GOST's.
    requires java.management;
    requires jdk.management;
    requires io.netty.codec.http;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires io.netty.transport.unix.common;
    requires io.netty.transport.classes.io_uring;
    requires typesafe.config;
    requires org.yaml.snakeyaml;
    requires info.picocli;
    requires org.slf4j;
    requires java.net.http;
    // sun.misc.Signal: SIGTERM drains open connections and exits 0 (a shutdown hook cannot).
    requires jdk.unsupported;

    exports io.gost.runtime;
    exports io.gost.runtime.config;
    exports io.gost.runtime.registry;
    // gost-logging implements LogBackend.
    exports io.gost.runtime.logging;
    // GOST's gRPC plugin protocol implements PluginClient and PluginClientProvider in a module of its own.
    exports io.gost.runtime.control to io.gost.plugin.control.grpc;

    uses io.gost.api.ListenerFactory;
    uses io.gost.api.HandlerFactory;
    uses io.gost.api.DialerFactory;
    uses io.gost.api.ConnectorFactory;
    uses io.gost.api.NetnsProvider;
    uses io.gost.runtime.logging.LogBackend;
    uses io.gost.runtime.control.PluginClientProvider;
}
