package io.gost.runtime.chain;

import io.gost.api.Connector;
import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.api.NetnsRef;
import io.gost.api.RouteException;
import io.gost.api.SocketPurpose;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Stand-ins for the tcp dialer and a proxy connector, which other modules provide. */
final class TestDialers {

    private TestDialers() {
    }

    /** Dials with the transport's own socket type and resolver, as the tcp plugin does; counts dials. */
    static final class TcpDialer implements Dialer {

        final List<InetSocketAddress> dialed = new CopyOnWriteArrayList<>();

        @Override
        public Future<Channel> dial(InetSocketAddress address, DialContext context) {
            dialed.add(address);
            Promise<Channel> result = context.eventLoop().newPromise();
            ChannelFuture connect = new Bootstrap()
                    .group(context.eventLoop())
                    .channelFactory(context.transport().socketChannelFactory())
                    .resolver(context.transport().resolver())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.timeout().toMillis())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                        }
                    })
                    .connect(address);
            connect.addListener(done -> {
                if (done.isSuccess()) {
                    result.trySuccess(connect.channel());
                } else {
                    result.tryFailure(done.cause());
                }
            });
            // Cancelling the dial (the router's timeout) abandons the connect.
            result.addListener(done -> {
                if (done.isCancelled()) {
                    connect.channel().close();
                }
            });
            return result;
        }
    }

    /** A dialer whose dials never complete: a node that does not answer. */
    static final class SilentDialer implements Dialer {

        final List<Promise<Channel>> dials = new CopyOnWriteArrayList<>();

        @Override
        public Future<Channel> dial(InetSocketAddress address, DialContext context) {
            Promise<Channel> never = context.eventLoop().newPromise();
            dials.add(never);
            return never;
        }
    }

    /** A dialer that fails at once with a given exception. */
    static Dialer failing(Supplier<Exception> failure) {
        return (address, context) -> context.eventLoop().newFailedFuture(failure.get());
    }

    /** Records which connector was asked for what, and succeeds (or fails) without talking to anyone. */
    static final class RecordingConnector implements Connector {

        final String name;
        final List<String> log;
        volatile Exception failure;

        RecordingConnector(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
            log.add(name + " " + network + " " + Node.formatAddress(target));
            return failure == null ? channel.eventLoop().newSucceededFuture(channel)
                    : channel.eventLoop().newFailedFuture(failure);
        }
    }

    /** The client side of {@link TestServers.LineProxy}'s toy protocol. */
    static final class LineConnector implements Connector {

        @Override
        public Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
            Promise<Channel> result = channel.eventLoop().newPromise();
            String request = "CONNECT " + Node.formatAddress(target);
            channel.pipeline().addLast("line-reply", new ChannelInboundHandlerAdapter() {
                private final StringBuilder line = new StringBuilder();

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    ByteBuf bytes = (ByteBuf) message;
                    try {
                        line.append(bytes.toString(CharsetUtil.US_ASCII));
                    } finally {
                        bytes.release();
                    }
                    int end = line.indexOf("\n");
                    if (end < 0) {
                        ctx.read();
                        return;
                    }
                    String reply = line.substring(0, end);
                    ctx.pipeline().remove(this);
                    if (reply.equals("OK")) {
                        result.trySuccess(channel);
                    } else {
                        result.tryFailure(new RouteException(RouteException.Reason.HOP_REJECTED,
                                "refused " + request + ": " + reply));
                    }
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    result.tryFailure(new ClosedChannelException());
                }
            });
            channel.writeAndFlush(channel.alloc().buffer().writeBytes((request + "\n").getBytes(CharsetUtil.US_ASCII)));
            channel.read();
            return result;
        }
    }

    /** What a placement was asked to do. */
    record Placement(NetnsRef namespace, SocketPurpose purpose) {
    }

    /** Records every placement and runs the work inline, whatever the namespace. */
    static final class RecordingPlacement implements SocketPlacement {

        final List<Placement> placements = new CopyOnWriteArrayList<>();

        @Override
        public <T> Future<T> place(NetnsRef namespace, SocketPurpose purpose, EventExecutor executor,
                                   Supplier<Future<T>> work) {
            placements.add(new Placement(namespace, purpose));
            return work.get();
        }
    }
}
