/**
 * Multiplexing for gost-java: smux (xtaci/smux v1.5, GOST's wire format) sessions whose streams are Netty
 * channels, and the listeners and dialers {@code mtcp} (smux over plain TCP), {@code mtls} (over TLS),
 * {@code mws} (over WebSocket) and {@code mwss} (over WebSocket over TLS), the last three on the TLS and
 * WebSocket plugins' stages.
 *
 * <p>The session API ({@code io.gost.plugin.mux.smux}) is exported only to the plugins whose protocols open
 * streams themselves (SOCKS5 MBIND and relay BIND, where the serving side is the smux client). Keep
 * {@code META-INF/services} in step with the {@code provides} clauses so the jar also works on the class path.
 */
module io.gost.plugin.mux {
    requires io.gost.api;
    requires io.gost.plugin.tls;
    requires io.gost.plugin.ws;
    requires io.netty.codec;
    requires org.slf4j;

    exports io.gost.plugin.mux.smux to io.gost.plugin.socks, io.gost.plugin.relay;

    provides io.gost.api.ListenerFactory with
            io.gost.plugin.mux.transport.MtcpListenerFactory,
            io.gost.plugin.mux.transport.MtlsListenerFactory,
            io.gost.plugin.mux.transport.MwsListenerFactory,
            io.gost.plugin.mux.transport.MwssListenerFactory;
    provides io.gost.api.DialerFactory with
            io.gost.plugin.mux.transport.MtcpDialerFactory,
            io.gost.plugin.mux.transport.MtlsDialerFactory,
            io.gost.plugin.mux.transport.MwsDialerFactory,
            io.gost.plugin.mux.transport.MwssDialerFactory;
}
