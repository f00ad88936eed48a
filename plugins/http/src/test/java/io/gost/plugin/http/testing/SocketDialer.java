package io.gost.plugin.http.testing;

import io.gost.api.RouteException;
import io.gost.api.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * What the runtime's router does for a direct dial, reduced to a test: connect on the client's event
 * loop with auto-read off and half-closure allowed, and turn failures into {@link RouteException}s.
 */
public final class SocketDialer {

    private SocketDialer() {
    }

    public static Future<Channel> dial(Transport transport, EventLoop eventLoop, InetSocketAddress target) {
        Promise<Channel> promise = eventLoop.newPromise();
        ChannelFuture connect = new Bootstrap()
                .group(eventLoop)
                .channelFactory(transport.socketChannelFactory())
                .resolver(transport.resolver())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target);
        connect.addListener(done -> {
            if (done.isSuccess()) {
                promise.setSuccess(connect.channel());
                return;
            }
            Throwable cause = done.cause();
            RouteException.Reason reason = cause instanceof ConnectTimeoutException ? RouteException.Reason.TIMEOUT
                    : cause instanceof ConnectException ? RouteException.Reason.REFUSED
                    : cause instanceof UnknownHostException ? RouteException.Reason.UNREACHABLE
                    : RouteException.Reason.GENERAL;
            promise.setFailure(new RouteException(reason, "dial " + target + ": " + cause.getMessage(), cause));
        });
        return promise;
    }
}
