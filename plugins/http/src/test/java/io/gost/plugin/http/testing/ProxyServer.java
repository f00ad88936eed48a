package io.gost.plugin.http.testing;

import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Serves a {@link Handler} on 127.0.0.1:0 the way the runtime does: accepted channels with auto-read
 * off and half-closure allowed, handed to {@link Handler#handle} on their event loop, with a
 * {@link TestHandlerContext#direct} context: its router dials real sockets, its relay is a test relay.
 */
public final class ProxyServer implements AutoCloseable {

    private final Channel serverChannel;
    private final AtomicInteger accepted = new AtomicInteger();

    public ProxyServer(TestTransport transport, Handler handler) {
        this(transport, handler, context -> context);
    }

    /** As above, with each connection's context wrapped by {@code contexts} (e.g. to record what it is told). */
    public ProxyServer(TestTransport transport, Handler handler, UnaryOperator<HandlerContext> contexts) {
        serverChannel = new ServerBootstrap()
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        accepted.incrementAndGet();
                        handler.handle(client, contexts.apply(TestHandlerContext.direct(client, transport)));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** How many client connections were accepted so far. */
    public int acceptedConnections() {
        return accepted.get();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }
}
