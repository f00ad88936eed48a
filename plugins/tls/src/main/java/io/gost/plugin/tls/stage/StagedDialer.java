package io.gost.plugin.tls.stage;

import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A dialer made of a plain one (the {@code tcp} dialer) and a {@link ChannelStage} run on the connection
 * before the connector sees it. The socket is created by the plain dialer on the calling thread, so a node's
 * network namespace applies to it as it does for {@code tcp}.
 */
public final class StagedDialer implements Dialer {

    private final Dialer transport;
    private final ChannelStage stage;

    public StagedDialer(Dialer transport, ChannelStage stage) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    /**
     * Connects, then runs the stage. The future completes on {@code context.eventLoop()} with the channel
     * carrying the plain byte stream, or fails with the transport's or the stage's error once the socket is
     * closed; cancelling it closes the socket.
     */
    @Override
    public Future<Channel> dial(InetSocketAddress address, DialContext context) {
        Promise<Channel> done = context.eventLoop().newPromise();
        Future<Channel> connect = transport.dial(address, context);
        connect.addListener(connected -> {
            if (!connected.isSuccess()) {
                done.tryFailure(connected.cause());
                return;
            }
            Channel channel = connect.getNow();
            if (done.isDone()) {
                channel.close(); // given up on while connecting
                return;
            }
            Future<Channel> staged = stage.apply(channel, address);
            staged.addListener(finished -> {
                if (finished.isSuccess()) {
                    if (!done.trySuccess(channel)) {
                        channel.close();
                    }
                } else {
                    done.tryFailure(finished.cause());
                }
            });
            done.addListener(outcome -> {
                if (outcome.isCancelled()) {
                    staged.cancel(false);
                    channel.close();
                }
            });
        });
        done.addListener(outcome -> {
            if (outcome.isCancelled()) {
                connect.cancel(false);
            }
        });
        return done;
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "StagedDialer[" + transport + "]";
    }
}
