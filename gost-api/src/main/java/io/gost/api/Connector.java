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
 */
public interface Connector extends AutoCloseable {

    /**
     * Asks the hop at the far end of {@code channel} to connect to {@code target}.
     *
     * @param channel an active channel to the hop, auto-read off, on its event loop
     * @param network {@code "tcp"} (others when the protocol supports them)
     * @param target  the next hop or the final target; may be unresolved (the hop resolves it)
     * @param timeout how long the handshake may take before the future fails
     * @return the channel carrying the tunnel (usually {@code channel} itself); fails with a
     *         {@link RouteException} of reason {@link RouteException.Reason#HOP_REJECTED} when the hop
     *         refuses, naming its answer
     */
    Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout);

    @Override
    default void close() {
    }
}
