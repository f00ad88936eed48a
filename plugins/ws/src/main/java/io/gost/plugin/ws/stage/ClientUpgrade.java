package io.gost.plugin.ws.stage;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;

/**
 * The client's side of the upgrade: sends the request once added, and on the server's answer either switches
 * the pipeline to WebSocket frames or fails the stage saying what the server answered instead.
 */
final class ClientUpgrade extends ChannelInboundHandlerAdapter {

    private final WebSocketClientHandshaker handshaker;
    private final WebSocketSettings settings;

    ClientUpgrade(WebSocketClientHandshaker handshaker, WebSocketSettings settings) {
        this.handshaker = handshaker;
        this.settings = settings;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handshaker.handshake(ctx.channel()).addListener(sent -> {
            if (!sent.isSuccess()) {
                ctx.fireExceptionCaught(sent.cause());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof FullHttpResponse response)) {
            ReferenceCountUtil.release(message);
            return;
        }
        try {
            if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                ctx.fireUserEventTriggered(new WebSocketStage.Refused("the server answered " + response.status()
                        + " instead of switching to WebSocket" + hint(response.status())));
                return;
            }
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (WebSocketHandshakeException e) {
            ctx.fireUserEventTriggered(new WebSocketStage.Refused("the server's answer is not a WebSocket"
                    + " upgrade: " + e.getMessage()));
            return;
        } finally {
            response.release();
        }
        ctx.pipeline().replace(this, WebSocketStage.BYTES_NAME,
                new WebSocketByteStream(settings.writeMessageSize(), settings.pingInterval()));
        ctx.pipeline().fireUserEventTriggered(WebSocketStage.UPGRADED);
    }

    private String hint(HttpResponseStatus status) {
        if (status.code() == 404) {
            return " (is path '" + settings.path() + "' the server's?)";
        }
        if (status.code() == 400) {
            return " (is it a WebSocket endpoint, and does every proxy in between pass Upgrade on?)";
        }
        return "";
    }
}
