/**
 * WebSocket for gost-java: the listeners and dialers {@code ws} and {@code wss} (WebSocket over TLS), with
 * GOST's keys and framing, on Netty's HTTP and WebSocket codecs.
 *
 * <p>The WebSocket stage ({@code io.gost.plugin.ws.stage}) is exported only to the multiplexed transports
 * built on it ({@code mws}, {@code mwss}); the factories are found through {@link java.util.ServiceLoader}.
 * Keep {@code META-INF/services} in step with {@code provides}.
 */
module io.gost.plugin.ws {
    requires io.gost.api;
    requires io.gost.plugin.tcp;
    requires io.gost.plugin.tls;
    requires io.netty.codec;
    requires io.netty.codec.http;
    // permessage-deflate (enableCompression) compresses with its zlib codecs.
    requires io.netty.codec.compression;
    requires io.netty.handler;
    requires org.slf4j;

    exports io.gost.plugin.ws.stage to io.gost.plugin.mux;
    // mws and mwss read the same ws keys (WsKeys) as ws and wss.
    exports io.gost.plugin.ws to io.gost.plugin.mux;

    provides io.gost.api.ListenerFactory with
            io.gost.plugin.ws.listener.WsListenerFactory,
            io.gost.plugin.ws.listener.WssListenerFactory;
    provides io.gost.api.DialerFactory with
            io.gost.plugin.ws.dialer.WsDialerFactory,
            io.gost.plugin.ws.dialer.WssDialerFactory;
}
