package io.gost.plugin.http.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * The forwarding phase, for absolute-form requests ({@code GET http://host/path}): sends the request upstream
 * in origin form without hop-by-hop fields, over the connection of the previous request when it went to the
 * same host and may be reused, else over a new one from the router; then streams the body, reading the next
 * piece from the client only after the previous one was written (backpressure). The upstream's answer is
 * {@link ResponseRelay}'s; when it is complete the next request is read.
 *
 * <p>Last in the client's pipeline: it also sees the client's errors and its end.
 */
final class RequestForwarder extends ChannelInboundHandlerAdapter {

    private final ClientConnection connection;
    private ChannelHandlerContext ctx;
    private RequestQueue queue;
    private Exchange exchange;
    private HttpRequest headAwaitingUpstream;
    private Channel upstream;
    private String upstreamKey;
    private ResponseRelay responses;

    RequestForwarder(ClientConnection connection) {
        this.connection = connection;
        connection.onClose(this::closeUpstream);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        queue = ctx.pipeline().get(RequestQueue.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ProxyRequest proxyRequest) {
            forward(proxyRequest.request(), proxyRequest.target());
        } else if (msg instanceof HttpContent content && exchange != null && !exchange.requestComplete
                && headAwaitingUpstream == null) {
            forwardBody(content);
        } else if (msg == RequestQueue.END_OF_INPUT && exchange != null && !exchange.requestComplete
                && !exchange.responseStarted) {
            failExchange(HttpResponseStatus.BAD_REQUEST,
                    "the connection was half-closed before the whole request body arrived");
        } else {
            // Nothing more will come (or nothing that can be paired with a request): the connection is done.
            ReferenceCountUtil.release(msg);
            connection.closeNow();
        }
    }

    private void forward(HttpRequest request, RequestTarget target) {
        exchange = new Exchange(request, target.hostAndPort());
        ClientConnection.LOG.debug("{}: {}", connection.describe(), exchange.requestLine);
        HopByHopHeaders.stripRequest(request.headers());
        request.setUri(target.originForm());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.headers().set(HttpHeaderNames.HOST, target.authority());
        if (upstream != null && upstream.isActive() && target.connectionKey().equals(upstreamKey)) {
            sendHead(request);
            return;
        }
        closeUpstream();
        headAwaitingUpstream = request;
        Exchange dialing = exchange;
        connection.context().router().dial("tcp", target.address()).addListener(
                (Future<Channel> dialed) -> dialed(dialed, dialing, target));
    }

    private void dialed(Future<Channel> dialed, Exchange dialing, RequestTarget target) {
        if (exchange != dialing || connection.isClosed() || !ctx.channel().isActive()) {
            if (dialed.isSuccess()) {
                dialed.getNow().close();
            }
            return;
        }
        HttpRequest head = headAwaitingUpstream;
        headAwaitingUpstream = null;
        if (!dialed.isSuccess()) {
            connection.respondAndClose(ProxyResponses.statusForDialFailure(dialed.cause()), "cannot reach "
                    + target.hostAndPort() + ": " + ProxyResponses.describe(dialed.cause()), dialing.clientVersion);
            return;
        }
        upstream = dialed.getNow();
        upstreamKey = target.connectionKey();
        responses = new ResponseRelay(this, connection);
        upstream.pipeline()
                .addLast(HttpProxyPipeline.CLIENT_CODEC,
                        new HttpClientCodec(HttpProxyPipeline.decoderConfig(), false, false))
                .addLast(HttpProxyPipeline.UPSTREAM, responses);
        sendHead(head);
    }

    private void sendHead(HttpRequest head) {
        exchange.lastUpstreamWrite = upstream.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        // Read the response from now on: an upstream may answer before the body is complete.
        responses.readResponse();
        readBodyAfter(exchange.lastUpstreamWrite);
    }

    private void forwardBody(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            String detail = "malformed request body: " + ProxyResponses.describe(content.decoderResult().cause());
            content.release();
            failExchange(HttpResponseStatus.BAD_REQUEST, detail);
            return;
        }
        exchange.lastUpstreamWrite = upstream.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (content instanceof LastHttpContent) {
            exchange.requestComplete = true;
        } else {
            readBodyAfter(exchange.lastUpstreamWrite);
        }
    }

    /**
     * Takes the next body piece at once if it is decoded already, and reads the client's socket for it only once
     * {@code write}, the last one upstream, has succeeded.
     */
    private void readBodyAfter(ChannelFuture write) {
        Exchange sending = exchange;
        queue.takeNext();
        if (write != sending.lastUpstreamWrite || sending.requestComplete) {
            return; // a piece that was waiting went upstream meanwhile, with its own wait
        }
        if (write.isSuccess()) {
            ctx.read();
        } else if (!write.isDone()) {
            write.addListener(written -> {
                if (written.isSuccess() && written == sending.lastUpstreamWrite && exchange == sending
                        && !sending.requestComplete && !connection.isClosed()) {
                    ctx.read();
                }
            });
        }
    }

    /** The exchange on {@code channel}, or null when that is not the current upstream or nothing is expected. */
    Exchange exchangeOn(Channel channel) {
        return channel == upstream && exchange != null && !exchange.responseComplete && !connection.isClosed()
                ? exchange : null;
    }

    /** The response is through: the next request may start, or the connection ends. */
    void exchangeFinished(Exchange finished) {
        exchange = null;
        ctx.channel().flush();
        if (!finished.requestComplete) {
            // The upstream answered before the request body was through; neither connection can tell where
            // the next message would start.
            finished.closeClientAfter = true;
            finished.upstreamReusable = false;
        }
        if (!finished.upstreamReusable || upstream == null || !upstream.isActive()) {
            closeUpstream();
        }
        if (finished.closeClientAfter || connection.inputEnded()) {
            connection.closeAfter(finished.lastClientWrite);
            return;
        }
        // Not right here: the upstream codec may still be decoding the rest of this read, and anything it finds
        // there answers no request. Asking for the next request first would pair such a stray response with it;
        // this way it meets no exchange and that connection is dropped.
        ctx.executor().execute(() -> {
            if (exchange == null && !connection.isClosed()) {
                ctx.read();
            }
        });
    }

    /** The upstream connection {@code channel} closed; {@code failure} is the error that ended it, if any. */
    void upstreamClosed(Channel channel, Throwable failure) {
        if (channel != upstream) {
            return;
        }
        upstream = null;
        upstreamKey = null;
        Exchange current = exchange;
        if (current == null || current.responseComplete || connection.isClosed()) {
            return; // an idle connection the server closed: the next request dials afresh
        }
        if (!current.responseStarted) {
            connection.respondAndClose(HttpResponseStatus.BAD_GATEWAY, "upstream " + current.target
                    + " closed the connection without answering", current.clientVersion);
        } else if (current.endedByClose) {
            responses.abort(current, failure);
        } else {
            // The response's framing tells the client it is incomplete.
            connection.fail("upstream " + current.target + " closed the connection in the middle of the response to "
                    + current.requestLine);
        }
    }

    /** Answers with an error when nothing of the response went out yet, else just closes. */
    void failExchange(HttpResponseStatus status, String detail) {
        if (exchange != null && exchange.responseStarted) {
            connection.fail(detail);
        } else {
            connection.respondAndClose(status, detail, exchange != null ? exchange.clientVersion : HttpVersion.HTTP_1_1);
        }
    }

    private void closeUpstream() {
        Channel channel = upstream;
        upstream = null;
        upstreamKey = null;
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientConnection.LOG.debug("{}: the client connection failed: {}", connection.describe(), cause.toString());
        connection.closeNow();
        if (!ProxyResponses.isConnectionFailure(cause)) {
            // Not the client's doing but a bug here: passed on, so that Netty logs it with its stack trace (and a
            // test sees it) instead of it passing for a dropped connection.
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeUpstream();
    }
}
