package io.gost.plugin.ws.stage;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The server's side of the upgrade, answering as GOST's (Go's) server does: the configured path exactly,
 * other paths {@code 404 page not found}; on the path, a request that is not a WebSocket upgrade
 * {@code 400 Bad Request}; an unknown WebSocket version {@code 426}. Any {@code Origin} is accepted. A
 * refused request is answered, then the connection closed, and the stage fails with the reason.
 */
final class ServerUpgrade extends ChannelInboundHandlerAdapter {

    private final WebSocketSettings settings;

    ServerUpgrade(WebSocketSettings settings) {
        this.settings = settings;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(message);
            return;
        }
        try {
            upgrade(ctx, request);
        } finally {
            request.release();
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Bad Request\n", "a malformed HTTP request ("
                    + request.decoderResult().cause().getMessage() + ")");
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals(settings.pathWithoutQuery())) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found\n", "path '" + path
                    + "' instead of the WebSocket path '" + settings.pathWithoutQuery() + "'");
            return;
        }
        if (!request.method().equals(HttpMethod.GET)
                || !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Bad Request\n", "a plain HTTP " + request.method()
                    + " request, not a WebSocket upgrade (Upgrade: websocket, Connection: Upgrade)");
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + settings.pathWithoutQuery(), null,
                WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(settings.maxMessageSize())
                        .allowExtensions(settings.compression()).build())
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            ctx.fireUserEventTriggered(new WebSocketStage.Refused("WebSocket version "
                    + request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION) + " (only 13 is spoken)"));
            return;
        }
        HttpHeaders responseHeaders = new DefaultHttpHeaders();
        for (Map.Entry<String, List<String>> header : settings.headers().entrySet()) {
            responseHeaders.add(header.getKey(), header.getValue());
        }
        handshaker.handshake(ctx.channel(), request, responseHeaders, ctx.newPromise()).addListener(done -> {
            if (done.isSuccess()) {
                ctx.pipeline().replace(this, WebSocketStage.BYTES_NAME,
                        new WebSocketByteStream(settings.writeMessageSize(), settings.pingInterval()));
                ctx.pipeline().fireUserEventTriggered(WebSocketStage.UPGRADED);
            } else {
                ctx.fireExceptionCaught(done.cause());
            }
        });
    }

    /** Answers {@code status} with a short text body, closes, and fails the stage saying why. */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String reason) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        ctx.fireUserEventTriggered(new WebSocketStage.Refused(reason + "; answered " + status.code()));
    }
}
