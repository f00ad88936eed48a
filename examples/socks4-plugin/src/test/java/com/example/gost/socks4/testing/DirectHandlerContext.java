package com.example.gost.socks4.testing;

import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.RelayResult;
import io.gost.api.RouteException;
import io.gost.api.Router;
import io.gost.api.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link HandlerContext} over real sockets, standing in for gost's runtime in tests: its router dials
 * the target directly from the client's event loop (auto-read off, as the runtime hands upstreams over),
 * and its relay is a {@link TestRelay}. Every target dialed is added to a queue the test reads.
 */
public final class DirectHandlerContext implements HandlerContext {

    private final Channel client;
    private final Queue<InetSocketAddress> dialed;

    public DirectHandlerContext(Channel client, Queue<InetSocketAddress> dialed) {
        this.client = client;
        this.dialed = dialed;
    }

    @Override
    public String serviceName() {
        return "service-0";
    }

    @Override
    public String sessionId() {
        return "loopback";
    }

    @Override
    public InetSocketAddress clientAddress() {
        return (InetSocketAddress) client.remoteAddress();
    }

    @Override
    public Transport transport() {
        throw new UnsupportedOperationException("the socks4 handler opens no sockets of its own");
    }

    @Override
    public Router router() {
        return (network, target) -> {
            dialed.add(target);
            Promise<Channel> result = client.eventLoop().newPromise();
            ChannelFuture connect = new Bootstrap()
                    .group(client.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                        }
                    })
                    .connect(target);
            connect.addListener(done -> {
                if (done.isSuccess()) {
                    result.setSuccess(connect.channel());
                } else {
                    result.setFailure(new RouteException(RouteException.Reason.REFUSED,
                            "cannot connect to " + target + ": " + done.cause().getMessage(), done.cause()));
                }
            });
            return result;
        };
    }

    @Override
    public Optional<Forwarder> forwarder() {
        return Optional.empty();
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        TestRelay.start(client, upstream);
        return client.eventLoop().newSucceededFuture(new RelayResult(0, 0, Duration.ZERO, null));
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
