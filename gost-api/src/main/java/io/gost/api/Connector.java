package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Speaks a proxy protocol (HTTP CONNECT, SOCKS5 CONNECT ...) over an established connection to a hop,
 * asking it to reach the next address.
 *
 * <p>Modelled on Netty's {@code ProxyHandler}: add the handshake codecs, send the request, complete the
 * future when the hop answers with success, remove every codec added, and leave the channel carrying the
 * tunnelled byte stream, with auto-read off again. Bytes the hop sent after its answer must not be lost:
 * hold them in a small handler that delivers them as the answer to the next {@code read()} (nobody is
 * listening yet when the codecs are removed, so firing them at once would drop them at the pipeline's tail).
 *
 * <p>Datagrams: a connector that can carry UDP accepts network {@code "udp"} in {@link #connect} and returns a
 * datagram channel with one peer, the target (see {@link io.gost.api.datagram}); one that can carry datagrams
 * to any destination also implements {@link #associate}. A connector that can ask its hop to listen implements
 * {@link Binder} as well.
 */
public interface Connector extends AutoCloseable {

    /**
     * Asks the hop at the far end of {@code channel} to connect to {@code target}.
     *
     * @param channel an active channel to the hop, auto-read off, on its event loop
     * @param network {@code "tcp"}, or {@code "udp"} when the protocol can carry datagrams
     * @param target  the next hop or the final target; may be unresolved (the hop resolves it)
     * @param timeout how long the handshake may take before the future fails
     * @return the channel carrying the tunnel (usually {@code channel} itself); fails with a
     *         {@link RouteException} of reason {@link RouteException.Reason#HOP_REJECTED} when the hop
     *         refuses, naming its answer
     */
    Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout);

    /**
     * Asks the hop at the far end of {@code channel} for a UDP association: the returned channel is a datagram
     * channel whose datagrams each name their destination ({@code recipient()}, possibly a name the hop resolves)
     * and their source ({@code sender()}), as {@link Router#associate()} describes. Unless overridden, fails
     * with a {@link RouteException} ({@code GENERAL}) saying this connector cannot, and closes the channel.
     */
    default Future<Channel> associate(Channel channel, Duration timeout) {
        channel.close();
        return channel.eventLoop().newFailedFuture(new RouteException(RouteException.Reason.GENERAL,
                getClass().getSimpleName() + " cannot carry UDP associations to its hop " + channel.remoteAddress()));
    }

    @Override
    default void close() {
    }
}
