/**
 * GOST's relay protocol for gost-java: the handler {@code relay} (CONNECT over tcp and udp, BIND with
 * {@code bind=true}, user authentication, forwarder mode, GOST's delayed response) and the connector {@code relay}
 * (CONNECT over tcp and udp, on the handshake template, or glued to the first bytes as GOST does unless
 * {@code nodelay}; UDP associations; a binder for {@code rtcp} and {@code rudp}).
 *
 * <p>Exports nothing: the runtime finds the factories through {@link java.util.ServiceLoader}. Keep
 * {@code META-INF/services} in step with the {@code provides} clauses so the jar also works on the class path.
 */
module io.gost.plugin.relay {
    requires io.gost.api;
    // smux sessions for BIND (the session API is exported to this plugin only).
    requires io.gost.plugin.mux;
    requires io.netty.codec;
    requires org.slf4j;

    provides io.gost.api.HandlerFactory with io.gost.plugin.relay.RelayHandlerFactory;
    provides io.gost.api.ConnectorFactory with io.gost.plugin.relay.RelayConnectorFactory;
}
