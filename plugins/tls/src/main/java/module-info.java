/**
 * TLS for gost-java: the listener and dialer {@code tls} ({@code -L tls://}, {@code https://},
 * {@code socks5+tls://} ...), on OpenSSL (netty-tcnative, when its native library loads) or the JDK's engine.
 *
 * <p>The TLS stage itself ({@code io.gost.plugin.tls.stage}: server and client contexts, the handshake as a
 * pipeline stage, listeners and dialers made of a plain one and a stage) is exported only to the transports
 * built on it (WebSocket's {@code wss}, the multiplexed {@code mtls}/{@code mwss}); the factories are found
 * through {@link java.util.ServiceLoader}. Keep {@code META-INF/services} in step with {@code provides}.
 */
module io.gost.plugin.tls {
    requires io.gost.api;
    requires io.gost.plugin.tcp;
    requires io.netty.codec;
    requires io.netty.handler;
    // OpenSSL is optional (netty-handler's own requirement is static too): where the jar is present, this puts
    // it on the module path; bin/gost resolves it (and the native library's jar) with ALL-MODULE-PATH.
    requires static io.netty.tcnative.classes.openssl;
    requires java.naming;
    requires org.slf4j;

    exports io.gost.plugin.tls.stage to io.gost.plugin.ws, io.gost.plugin.mux;

    provides io.gost.api.ListenerFactory with io.gost.plugin.tls.listener.TlsListenerFactory;
    provides io.gost.api.DialerFactory with io.gost.plugin.tls.dialer.TlsDialerFactory;
}
