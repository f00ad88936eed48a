/**
 * SOCKS for gost-java: the handler {@code socks5} (alias {@code socks}, RFC 1928 with RFC 1929
 * username/password: CONNECT, BIND, UDP ASSOCIATE), the connector {@code socks5} (alias {@code socks}) that
 * asks a SOCKS5 hop of a chain to CONNECT, and the handler {@code auto}, which sniffs a connection's first
 * byte and hands it to the {@code socks5}, {@code socks4} or {@code http} handler (GOST's default handler).
 *
 * <p>Exports nothing: the runtime finds the factories through {@link java.util.ServiceLoader}. Keep
 * {@code META-INF/services} in step with the {@code provides} clauses so the jar also works on the class path.
 */
module io.gost.plugin.socks {
    requires io.gost.api;
    // smux sessions for MBIND (the session API is exported to this plugin only).
    requires io.gost.plugin.mux;
    requires io.netty.codec;
    requires io.netty.codec.socks;
    requires org.slf4j;

    provides io.gost.api.HandlerFactory with
            io.gost.plugin.socks.handler.Socks5HandlerFactory,
            io.gost.plugin.socks.auto.AutoHandlerFactory;
    provides io.gost.api.ConnectorFactory with io.gost.plugin.socks.connector.Socks5ConnectorFactory;
}
