package com.example.gost.socks4.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.CharsetUtil;
import java.net.InetSocketAddress;
import java.util.function.Function;

/** A Netty server on 127.0.0.1 and an ephemeral port, for tests; closed with {@link #close()}. */
public final class LoopbackServer implements AutoCloseable {

    private final Channel serverChannel;

    private LoopbackServer(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    /**
     * Serves every accepted channel with {@code handlerFor}'s handler; accepted channels start with
     * auto-read off and half-closure allowed, as gost's listeners hand them over.
     */
    public static LoopbackServer start(EventLoopGroup group, Function<Channel, ChannelHandler> handlerFor)
            throws InterruptedException {
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(handlerFor.apply(channel));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        return new LoopbackServer(server);
    }

    /** Echoes every byte back, then closes when the client does. */
    public static LoopbackServer echo(EventLoopGroup group) throws InterruptedException {
        return start(group, channel -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.read();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg).addListener((ChannelFutureListener) written -> ctx.read());
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                ctx.close();
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                ctx.close();
            }
        });
    }

    /** Answers the first HTTP request head with {@code 200} and {@code body}, then closes. */
    public static LoopbackServer http(EventLoopGroup group, String body) throws InterruptedException {
        return start(group, channel -> new ChannelInboundHandlerAdapter() {
            private final StringBuilder head = new StringBuilder();

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.read();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf bytes = (ByteBuf) msg;
                head.append(bytes.toString(CharsetUtil.US_ASCII));
                bytes.release();
                if (head.indexOf("\r\n\r\n") < 0) {
                    ctx.read();
                    return;
                }
                String response = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body;
                ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(response.getBytes(CharsetUtil.US_ASCII)))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }
}
