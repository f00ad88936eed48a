package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;

/**
 * Opens a transport connection (tcp, tls, ws ...) to a node's address.
 *
 * <p>{@link #dial} creates the socket on the calling thread: the runtime calls it on a thread inside the
 * node's network namespace when one is set, so dialers need know nothing of namespaces.
 */
public interface Dialer extends AutoCloseable {

    /**
     * Creates a socket and connects it to {@code address} (possibly unresolved; resolve it with
     * {@link Transport#resolver()}). The channel must be registered on {@link DialContext#eventLoop()},
     * with auto-read off and half-closure allowed. The future fails with the transport's own exception
     * (e.g. {@link java.net.ConnectException}); the runtime turns it into a {@link RouteException}.
     */
    Future<Channel> dial(InetSocketAddress address, DialContext context);

    @Override
    default void close() {
    }
}
