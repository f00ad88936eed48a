/**
 * The gost-java SPI: listeners, handlers, dialers, connectors, network namespace providers and the
 * immutable {@link io.gost.api.Metadata} they are configured with; in {@code io.gost.api.handshake}, the
 * handshake plumbing that connectors and proxy handlers share, so that a protocol plugin writes only its
 * protocol; and in {@code io.gost.api.datagram}, what datagram services share: per-client sessions over one
 * socket (or one tunnel), empty datagrams, and GOST's UDP-over-TCP framing.
 *
 * <p>Netty types appear in signatures on purpose: they are the common currency of network plugins, so
 * Netty's transport module is required transitively.
 */
module io.gost.api {
    requires transitive io.netty.transport;
    requires transitive io.netty.common;
    requires transitive io.netty.buffer;
    requires transitive io.netty.resolver;
    // UdpTunCodec is a ByteToMessageCodec.
    requires transitive io.netty.codec;
    // EmptyDatagrams reaches the native socket of an epoll channel.
    requires io.netty.transport.unix.common;

    exports io.gost.api;
    exports io.gost.api.handshake;
    exports io.gost.api.datagram;
}
