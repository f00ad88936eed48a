package io.gost.plugin.http.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream channel: hands the decoded response to the client connection's
 * {@link Listener}, which decides what to write and when to read more.
 */
final class UpstreamResponseHandler extends ChannelInboundHandlerAdapter {

    /** What happens on the upstream channel; every call names the channel, so stale ones can be ignored. */
    interface Listener {

        /** A piece of the response: head, body piece or end. The listener owns {@code msg}. */
        void onResponseObject(Channel upstream, HttpObject msg);

        /** The read that was asked for has been served. */
        void onUpstreamReadComplete(Channel upstream);

        /** The upstream connection has closed. */
        void onUpstreamInactive(Channel upstream);
    }

    private final Listener listener;

    UpstreamResponseHandler(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpObject httpObject) {
            listener.onResponseObject(ctx.channel(), httpObject);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        listener.onUpstreamReadComplete(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The codec has already ended a read-until-close body; a half-open upstream is of no further use.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        listener.onUpstreamInactive(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Decoder and I/O failures: the connection cannot carry a response any more; closing it lets
        // onUpstreamInactive answer the client.
        HttpProxyConnectionHandler.LOG.debug("upstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
