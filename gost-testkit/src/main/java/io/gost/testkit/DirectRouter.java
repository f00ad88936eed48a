package io.gost.testkit;

import io.gost.api.RouteException;
import io.gost.api.Router;
import io.gost.api.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * A router that dials every target directly from the client's event loop, the way the runtime does
 * without a chain: auto-read off, half-closure allowed, and failures turned into {@link RouteException}s
 * as the runtime does. {@link TestHandlerContext} records the targets asked for.
 */
public final class DirectRouter implements Router {

    private final EventLoop loop;
    private final Transport transport;

    /** Dials on {@code loop} (the client's event loop) with {@code transport}'s sockets and resolver. */
    public DirectRouter(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
    }

    @Override
    public Future<Channel> dial(String network, InetSocketAddress target) {
        Promise<Channel> result = loop.newPromise();
        new Bootstrap()
                .group(loop)
                .channelFactory(transport.socketChannelFactory())
                .resolver(transport.resolver())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                    }
                })
                .connect(target)
                .addListener(connected -> {
                    if (connected.isSuccess()) {
                        result.trySuccess(((ChannelFuture) connected).channel());
                    } else {
                        result.tryFailure(routeFailure(target, connected.cause()));
                    }
                });
        return result;
    }

    private static RouteException routeFailure(InetSocketAddress target, Throwable cause) {
        RouteException.Reason reason;
        if (cause instanceof ConnectTimeoutException) {
            reason = RouteException.Reason.TIMEOUT;
        } else if (cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
            reason = RouteException.Reason.UNREACHABLE;
        } else if (cause instanceof ConnectException) {
            reason = RouteException.Reason.REFUSED;
        } else {
            reason = RouteException.Reason.GENERAL;
        }
        return new RouteException(reason, "cannot reach " + target + ": " + cause.getMessage(), cause);
    }
}
