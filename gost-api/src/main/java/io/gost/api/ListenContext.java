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
