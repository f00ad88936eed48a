package io.gost.plugin.tls.stage;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;

/**
 * Turns the peer's TLS {@code close_notify} into the end of the byte stream, as a FIN is on plain TCP.
 *
 * <p>In TLS 1.3 a {@code close_notify} closes only the sender's direction, and some peers then wait for ours
 * before they close the socket ({@code openssl s_server} does): without this, the relay would wait for a FIN
 * that never comes. A FIN after the {@code close_notify} is the same end and is not passed on twice.
 *
 * <p>Sits right behind the TLS handler; only user events stop here, so bytes pass it at no cost.
 */
final class CloseNotifyAsEndOfInput extends ChannelInboundHandlerAdapter {

    private boolean ended;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslCloseCompletionEvent close) {
            if (close.isSuccess() && !ended) {
                ended = true;
                ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            }
            return;
        }
        if (event instanceof ChannelInputShutdownEvent) {
            if (ended) {
                return;
            }
            ended = true;
        }
        ctx.fireUserEventTriggered(event);
    }
}
