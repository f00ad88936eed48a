package io.gost.plugin.socks.testing;

import io.gost.testkit.TestTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Client-side helpers for connector tests: dial a hop the way the tcp dialer does, and use a tunnel. */
public final class Tunnels {

    private Tunnels() {
    }

    /** A connection to {@code hop}, as the runtime's dialer leaves it: auto-read off, half-closure allowed. */
    public static Channel dial(TestTransport transport, InetSocketAddress hop) throws InterruptedException {
        return new Bootstrap()
                .group(transport.ioGroup())
                .channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                    }
                })
                .connect(hop)
                .sync()
                .channel();
    }

    /**
     * Writes {@code payload} into the tunnel and reads until as many bytes came back (the far end is an
     * echo server), the way a relay would: read, then read again.
     */
    public static byte[] echo(Channel tunnel, byte[] payload) throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        tunnel.eventLoop().execute(() -> {
            tunnel.pipeline().addLast(new Collector(payload.length, received));
            tunnel.writeAndFlush(Unpooled.wrappedBuffer(payload));
            tunnel.read();
        });
        try {
            return received.get(10, TimeUnit.SECONDS);
        } finally {
            tunnel.close().sync();
        }
    }

    private static final class Collector extends ChannelInboundHandlerAdapter {

        private final int expected;
        private final CompletableFuture<byte[]> received;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Collector(int expected, CompletableFuture<byte[]> received) {
            this.expected = expected;
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ByteBuf buffer = (ByteBuf) message;
            try {
                bytes.writeBytes(ByteBufUtil.getBytes(buffer));
            } finally {
                buffer.release();
            }
            if (bytes.size() >= expected) {
                received.complete(bytes.toByteArray());
            } else {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            received.completeExceptionally(new AssertionError("the tunnel closed after " + bytes.size() + " of "
                    + expected + " bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.completeExceptionally(cause);
        }
    }
}
