package io.gost.plugin.mux.transport;

import io.gost.plugin.tls.stage.ChannelStage;
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

    /**
     * A listener's stage made of the TLS/WebSocket plugins' {@link ChannelStage} (which logs and closes a
     * connection whose handshake fails); it prepares accepted connections only.
     */
    static SessionStage server(ChannelStage stage) {
        return new SessionStage() {
            @Override
            public Future<Channel> accepted(Channel channel) {
                InetSocketAddress peer = channel.remoteAddress() instanceof InetSocketAddress inet ? inet : null;
                return stage.apply(channel, peer);
            }

            @Override
            public Future<Channel> dialed(Channel channel, InetSocketAddress address) {
                throw new UnsupportedOperationException("a listener's stage");
            }
        };
    }

    /** A dialer's stage made of a {@link ChannelStage}: the node's address names the TLS server and WebSocket host. */
    static SessionStage client(ChannelStage stage) {
        return new SessionStage() {
            @Override
            public Future<Channel> accepted(Channel channel) {
                throw new UnsupportedOperationException("a dialer's stage");
            }

            @Override
            public Future<Channel> dialed(Channel channel, InetSocketAddress address) {
                return stage.apply(channel, address);
            }
        };
    }
}
