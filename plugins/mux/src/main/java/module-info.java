/**
 * Multiplexing for gost-java: smux (xtaci/smux v1.5, GOST's wire format) sessions whose streams are Netty
 * channels, and the listener and dialer {@code mtcp} (smux over plain TCP).
 *
 * <p>The session API ({@code io.gost.plugin.mux.smux}) is exported only to the plugins whose protocols open
 * streams themselves (SOCKS5 MBIND and relay BIND, where the serving side is the smux client). Keep
 * {@code META-INF/services} in step with the {@code provides} clauses so the jar also works on the class path.
 */
module io.gost.plugin.mux {
    requires io.gost.api;
    requires io.netty.codec;
    requires org.slf4j;

    exports io.gost.plugin.mux.smux to io.gost.plugin.socks, io.gost.plugin.relay;

    provides io.gost.api.ListenerFactory with io.gost.plugin.mux.transport.MtcpListenerFactory;
    provides io.gost.api.DialerFactory with io.gost.plugin.mux.transport.MtcpDialerFactory;
}
