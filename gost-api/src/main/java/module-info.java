/**
 * The gost-java SPI: listeners, handlers, dialers, connectors, network namespace providers and the
 * immutable {@link io.gost.api.Metadata} they are configured with; and, in {@code io.gost.api.handshake}, the
 * handshake plumbing that connectors and proxy handlers share, so that a protocol plugin writes only its
 * protocol.
 *
 * <p>Netty types appear in signatures on purpose: they are the common currency of network plugins, so
 * Netty's transport module is required transitively.
 */
module io.gost.api {
    requires transitive io.netty.transport;
    requires transitive io.netty.common;
    requires transitive io.netty.buffer;
    requires transitive io.netty.resolver;

    exports io.gost.api;
    exports io.gost.api.handshake;
}
