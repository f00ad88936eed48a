package io.gost.plugin.mux.transport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;

/**
 * What turns a TCP connection into the byte stream an smux session runs over: nothing for {@code mtcp}; a TLS
 * handshake for {@code mtls}, a WebSocket upgrade for {@code mws}, both for {@code mwss}. A stage adds its
 * handlers to the channel's pipeline and completes the future with the same channel once bytes written and
 * read there are the session's, or fails it (the caller closes the channel).
 */
public interface SessionStage {

    /** smux straight over TCP. */
    SessionStage NONE = new SessionStage() {
        @Override
        public Future<Channel> accepted(Channel channel) {
            return channel.eventLoop().newSucceededFuture(channel);
        }

        @Override
        public Future<Channel> dialed(Channel channel, InetSocketAddress address) {
            return channel.eventLoop().newSucceededFuture(channel);
        }
    };

    /** Prepares an accepted connection (server side). */
    Future<Channel> accepted(Channel channel);

    /** Prepares a dialed connection to {@code address} (client side). */
    Future<Channel> dialed(Channel channel, InetSocketAddress address);
}
