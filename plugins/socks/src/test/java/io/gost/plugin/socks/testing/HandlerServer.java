package io.gost.plugin.socks.testing;

import io.gost.api.Handler;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback server that gives every accepted connection to a {@link Handler} with a
 * {@link TestHandlerContext#direct} context, the way a service does: auto-read off, half-closure allowed.
 */
public final class HandlerServer implements AutoCloseable {

    private final Channel serverChannel;
    private final List<TestHandlerContext> contexts = new CopyOnWriteArrayList<>();

    public HandlerServer(Handler handler, TestTransport transport) throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public boolean isSharable() {
                        return true;
                    }

                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.pipeline().remove(this);
                        TestHandlerContext context = TestHandlerContext.direct(ctx.channel(), transport);
                        contexts.add(context);
                        handler.handle(ctx.channel(), context);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String hostAndPort() {
        return "127.0.0.1:" + address().getPort();
    }

    /** The contexts of the connections accepted so far, in order. */
    public List<TestHandlerContext> contexts() {
        return List.copyOf(contexts);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }
}
