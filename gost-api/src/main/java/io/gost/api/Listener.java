package io.gost.api;

import io.netty.util.concurrent.Future;
import java.net.SocketAddress;

/**
 * Owns a server socket of some transport and hands each accepted connection, as a Netty channel carrying
 * a plain byte stream, to {@link ListenContext#acceptor()}.
 *
 * <p>Creating a listener allocates nothing; {@link #bind} opens the socket on the calling thread (the
 * runtime calls it on a thread inside the service's network namespace when {@code netns} is set), and
 * {@link #close} releases it, even after a failed or half-finished bind.
 *
 * <p>Accepted channels must be handed over with auto-read off and half-closure allowed: the handler
 * decides when to read, and the relay passes half-closes through.
 */
public interface Listener extends AutoCloseable {

    /**
     * Creates and binds the server socket. The future completes with the bound address (useful with
     * port 0) or fails with the cause, e.g. a {@link java.net.BindException}.
     */
    Future<SocketAddress> bind(ListenContext context);

    /** Stops accepting and closes the server socket. Connections already accepted stay open. */
    @Override
    void close();
}
