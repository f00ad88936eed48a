package io.gost.api;

import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;

/**
 * A port opened by a {@link Binder} (or by the runtime, locally) from which connections or datagram sessions
 * come back, each handed to the acceptor given with the request.
 *
 * <p>A binding lives as long as what carries it: the connection to the hop (its end is the binding's end), or
 * the local socket. Closing it releases the port on the hop: the hop closes it when the connection ends.
 * Connections already handed out stay open.
 */
public interface Binding extends AutoCloseable {

    /**
     * On each channel a binding hands out: the address of the peer that connected to the bound port (or sent to
     * it), when the channel's own remote address is something else (the hop, for a multiplexed stream or the
     * connection of a standard BIND). The runtime reports it as the connection's client.
     */
    AttributeKey<InetSocketAddress> PEER_ADDRESS = AttributeKey.valueOf("gost.binding.peer");

    /** The address the hop reports it listens on (SOCKS5's BND.ADDR and BND.PORT), or the local one. */
    InetSocketAddress boundAddress();

    /**
     * Completes when the binding ends: successfully when it was closed, or after the one connection of a
     * standard BIND was handed out; with the cause when it was lost (the connection to the hop died).
     */
    Future<Void> closeFuture();

    /** Stops: closes the connection to the hop (or the local socket). Idempotent. */
    @Override
    void close();
}
