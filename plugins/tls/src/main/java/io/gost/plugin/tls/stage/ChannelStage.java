package io.gost.plugin.tls.stage;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;

/**
 * One layer of a transport that a listener or dialer puts on a connected socket before the handler or
 * connector sees it: TLS, a WebSocket upgrade. It adds its handlers to the channel's pipeline, runs its
 * handshake, and leaves the channel carrying a plain byte stream again, so that every handler and connector
 * works over it unchanged.
 *
 * <p>Stages compose: {@code tls.then(webSocket)} is {@code wss}.
 */
@FunctionalInterface
public interface ChannelStage {

    /**
     * Runs this stage on {@code channel} (registered, active, auto-read off, on its event loop or not).
     *
     * @param channel the connection, as the listener accepted it or the dialer connected it
     * @param peer    the address of the other end: for a dialer the node's address as configured (its host
     *                name is the default TLS server name and WebSocket host), for a listener the client's
     * @return completes on the channel's event loop with the same channel once the stage's handshake is done
     *         (whatever arrived after it is held for the first {@code read()}), or fails once the channel is
     *         closed; cancelling it closes the channel
     */
    Future<Channel> apply(Channel channel, InetSocketAddress peer);

    /** This stage, then {@code next} on the same channel. */
    default ChannelStage then(ChannelStage next) {
        ChannelStage first = this;
        return (channel, peer) -> {
            Promise<Channel> done = channel.eventLoop().newPromise();
            first.apply(channel, peer).addListener(firstDone -> {
                if (!firstDone.isSuccess()) {
                    done.tryFailure(firstDone.cause());
                    return;
                }
                Future<Channel> second = next.apply(channel, peer);
                second.addListener(secondDone -> {
                    if (secondDone.isSuccess()) {
                        done.trySuccess(channel);
                    } else {
                        done.tryFailure(secondDone.cause());
                    }
                });
                done.addListener(outcome -> {
                    if (outcome.isCancelled()) {
                        second.cancel(false);
                    }
                });
            });
            done.addListener(outcome -> {
                if (outcome.isCancelled()) {
                    channel.close();
                }
            });
            return done;
        };
    }
}
