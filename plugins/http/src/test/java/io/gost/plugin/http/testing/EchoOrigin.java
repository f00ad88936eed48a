package io.gost.plugin.http.testing;

import io.gost.testkit.TestTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP origin on 127.0.0.1:0. Every request is answered 200 with a text body that echoes the
 * request line, the header fields and the body (or its length when over 64 KiB); {@code /big/N}
 * answers N bytes of {@code x}. Keep-alive as the client asks.
 */
public final class EchoOrigin implements AutoCloseable {

    private static final int MAX_BODY = 8 * 1024 * 1024;
    private static final int ECHOED_BODY_LIMIT = 64 * 1024;

    private final Channel serverChannel;
    private final AtomicInteger accepted = new AtomicInteger();

    public EchoOrigin(TestTransport transport) {
        serverChannel = new ServerBootstrap()
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accepted.incrementAndGet();
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY),
                                new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public int acceptedConnections() {
        return accepted.get();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }

    private static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ByteBuf body;
            if (request.uri().startsWith("/big/")) {
                int size = Integer.parseInt(request.uri().substring("/big/".length()));
                body = Unpooled.buffer(size).writeBytes("x".repeat(size).getBytes(StandardCharsets.US_ASCII));
            } else {
                StringBuilder echo = new StringBuilder()
                        .append(request.method()).append(' ').append(request.uri()).append(' ')
                        .append(request.protocolVersion()).append('\n');
                for (Map.Entry<String, String> field : request.headers()) {
                    echo.append(field.getKey()).append(": ").append(field.getValue()).append('\n');
                }
                echo.append('\n');
                int length = request.content().readableBytes();
                if (length > ECHOED_BODY_LIMIT) {
                    echo.append("body-length: ").append(length);
                } else {
                    echo.append(request.content().toString(StandardCharsets.UTF_8));
                }
                body = Unpooled.copiedBuffer(echo, StandardCharsets.UTF_8);
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
