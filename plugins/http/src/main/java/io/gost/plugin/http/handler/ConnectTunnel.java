package io.gost.plugin.http.handler;

import io.gost.api.handshake.HeldInbound;
import io.gost.api.handshake.RelayHandOff;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;

/**
 * The CONNECT phase: dials the target through the router, answers {@code 200 Connection established} and
 * hands both connections to the runtime's relay ({@link RelayHandOff}); a failed dial is answered 502, 504 or
 * 403 by its reason. Other requests pass on to {@link RequestForwarder}.
 *
 * <p>Whatever the client sent after the CONNECT head belongs to the tunnel: the decoder stops decoding at the
 * head, so those bytes wait raw in the {@link RequestQueue} (nobody asks for them) and go upstream first.
 */
final class ConnectTunnel extends ChannelInboundHandlerAdapter {

    private final ClientConnection connection;
    private ChannelHandlerContext ctx;
    private boolean handlingHead;

    ConnectTunnel(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ProxyRequest proxyRequest) || !HttpMethod.CONNECT.equals(proxyRequest.request().method())) {
            ctx.fireChannelRead(msg);
            return;
        }
        handlingHead = true;
        try {
            dial(proxyRequest.target(), proxyRequest.request().protocolVersion());
        } finally {
            handlingHead = false;
        }
    }

    private void dial(RequestTarget target, HttpVersion clientVersion) {
        ClientConnection.LOG.debug("{}: CONNECT {}", connection.describe(), target.hostAndPort());
        HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
        if (codec != null) {
            // From here on the decoder hands over raw bytes; it passes on what it has buffered already.
            codec.removeInboundHandler();
        }
        connection.context().router().dial("tcp", target.address()).addListener((Future<Channel> dialed) -> {
            if (handlingHead) {
                // Dialed at once while the decoder is still delivering what followed the head: hand over only
                // after that has reached the queue.
                ctx.executor().execute(() -> dialed(dialed, target, clientVersion));
            } else {
                dialed(dialed, target, clientVersion);
            }
        });
    }

    private void dialed(Future<Channel> dialed, RequestTarget target, HttpVersion clientVersion) {
        if (connection.isClosed() || !ctx.channel().isActive()) {
            if (dialed.isSuccess()) {
                dialed.getNow().close();
            }
            return;
        }
        if (!dialed.isSuccess()) {
            connection.respondAndClose(ProxyResponses.statusForDialFailure(dialed.cause()), "cannot reach "
                    + target.hostAndPort() + ": " + ProxyResponses.describe(dialed.cause()), clientVersion);
            return;
        }
        Channel tunnel = dialed.getNow();
        HeldInbound held = ctx.pipeline().get(RequestQueue.class).handOver(ctx.pipeline());
        ClientConnection.LOG.debug("{}: tunnel to {} established", connection.describe(), target.hostAndPort());
        // The byte counter has counted the held bytes as they were read.
        RelayHandOff.between(ctx.channel(), tunnel, connection.context())
                .holdingCounted(held)
                .removing(HttpProxyPipeline.handlers(ctx.pipeline()))
                .replyThenRelay(connection.connectionEstablished());
    }
}
