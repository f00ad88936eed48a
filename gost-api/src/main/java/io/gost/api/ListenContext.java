package io.gost.api;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** What a listener needs to bind: where, on which transport, and whom to hand connections to. */
public interface ListenContext {

    /** The address to bind, e.g. {@code 0.0.0.0:8080} or {@code 127.0.0.1:0}. */
    InetSocketAddress address();

    /** The runtime's shared transport. */
    Transport transport();

    /** Receives every accepted connection. */
    Acceptor acceptor();

    /**
     * For reverse listeners ({@code rtcp}, {@code rudp}, whose factory says
     * {@link ListenerFactory#opensPortsThroughChain()}): opens {@code request.address()} on the last hop of the
     * service's listener chain, whose connector must be a {@link Binder}, and hands what arrives to
     * {@link #acceptor()}; without a chain, opens it locally, in the service's namespace. When the connection to
     * the hop is lost or cannot be made, the runtime tries again after 1 s, doubling to at most 5 s (GOST's
     * service loop), logging and counting each attempt, until the port is closed. Unless overridden, throws
     * {@link UnsupportedOperationException}.
     */
    default RemotePort openRemotePort(BindRequest request) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot open remote ports");
    }

    /** Receives accepted connections from a listener. */
    @FunctionalInterface
    interface Acceptor {

        /**
         * Takes ownership of an accepted, registered, active channel with auto-read off. Called on
         * the channel's event loop; must not block.
         */
        void accept(Channel channel);
    }
}
