package io.gost.plugin.http.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Uses a tunnel a connector opened as its owner would: one read at a time, on the tunnel's event loop. */
public final class TunnelProbe {

    private TunnelProbe() {
    }

    /**
     * Sends {@code request} (if any) through the tunnel and returns everything that comes back until the far
     * end closes or ends its stream.
     */
    public static String exchange(Channel tunnel, String request) throws Exception {
        return send(tunnel, request, received -> false);
    }

    /** Sends {@code text} through the tunnel and returns as much as comes back, once it is as long. */
    public static String echo(Channel tunnel, String text) throws Exception {
        return send(tunnel, text, received -> received.length() >= text.length());
    }

    private static String send(Channel tunnel, String request, Predicate<CharSequence> enough) throws Exception {
        Promise<String> answer = tunnel.eventLoop().newPromise();
        tunnel.eventLoop().submit(() -> {
            tunnel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private final StringBuilder received = new StringBuilder();

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    received.append(buf.toString(US_ASCII));
                    buf.release();
                    if (enough.test(received)) {
                        answer.trySuccess(received.toString());
                    }
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.read();
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                        answer.trySuccess(received.toString());
                    }
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    answer.trySuccess(received.toString());
                }
            });
            if (request != null) {
                tunnel.writeAndFlush(Unpooled.copiedBuffer(request, US_ASCII));
            }
            tunnel.read();
        }).sync();
        return answer.get(10, TimeUnit.SECONDS);
    }
}
