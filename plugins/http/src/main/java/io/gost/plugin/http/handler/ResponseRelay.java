package io.gost.plugin.http.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The response phase, last in an upstream's pipeline: streams the answer to the client without hop-by-hop
 * fields, reading the upstream again only after what it read last was written to the client (backpressure).
 * Decides whether each side may be kept for another request, and ends the exchange with
 * {@link RequestForwarder#exchangeFinished}.
 *
 * <p>A response without length is ended by the upstream closing; if it breaks off with an error instead (a
 * reset), the client must not see a clean end: its connection is reset ({@link ClientConnection#abort}) and the
 * connection's log line says so. A response nobody asked for closes the upstream connection.
 */
final class ResponseRelay extends ChannelInboundHandlerAdapter {

    private final RequestForwarder forwarder;
    private final ClientConnection connection;
    private Channel upstream;
    private ReadAfterWrite reads;
    private Throwable failure;

    ResponseRelay(RequestForwarder forwarder, ClientConnection connection) {
        this.forwarder = forwarder;
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        upstream = ctx.channel();
        reads = new ReadAfterWrite(upstream);
    }

    /** Reads the upstream while its response is incomplete, each time after the last write to the client. */
    void readResponse() {
        Exchange current = forwarder.exchangeOn(upstream);
        if (current != null) {
            reads.readAfter(current.lastClientWrite, this::readResponse);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange current = forwarder.exchangeOn(ctx.channel());
        if (current == null || !(msg instanceof HttpObject object)) {
            // A response nobody asked for cannot be paired with a request: that connection is done.
            ReferenceCountUtil.release(msg);
            ctx.close();
        } else if (object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            forwarder.failExchange(HttpResponseStatus.BAD_GATEWAY, "upstream " + current.target
                    + " sent a malformed response: " + ProxyResponses.describe(object.decoderResult().cause()));
        } else if (msg instanceof HttpResponse response) {
            onHead(current, response);
        } else if (msg instanceof HttpContent content) {
            onContent(current, content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(Exchange current, HttpResponse response) {
        int code = response.status().code();
        Channel client = connection.client();
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                forwarder.failExchange(HttpResponseStatus.BAD_GATEWAY, "upstream " + current.target
                        + " switched protocols although no Upgrade was forwarded");
                return;
            }
            current.inInterimResponse = true;
            // HTTP/1.0 clients do not know 1xx answers (RFC 9110 §15.2).
            current.dropInterimResponse = HttpVersion.HTTP_1_0.equals(current.clientVersion);
            if (!current.dropInterimResponse) {
                HopByHopHeaders.stripResponse(response.headers());
                response.setProtocolVersion(HttpVersion.HTTP_1_1);
                current.lastClientWrite = client.write(response);
            }
            return;
        }
        current.responseStarted = true;
        boolean bodiless = HttpMethod.HEAD.equals(current.method) || code == 204 || code == 304;
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean delimited = bodiless || chunked || HttpUtil.isContentLengthSet(response);
        // Computed before the Connection field is stripped.
        boolean upstreamKeepAlive = HttpUtil.isKeepAlive(response) && delimited;
        // An answer that comes before the request body is through usually means the body is unwanted (413,
        // 401 ...); the client connection cannot be kept then, so say so in the answer itself.
        boolean clientKeepAlive = current.clientKeepAlive && upstreamKeepAlive && current.requestComplete;
        current.endedByClose = !delimited;
        HopByHopHeaders.stripResponse(response.headers());
        if (!bodiless && chunked && HttpVersion.HTTP_1_0.equals(current.clientVersion)) {
            // An HTTP/1.0 client cannot read chunks: send the body plain and end it by closing.
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            clientKeepAlive = false;
            current.endedByClose = true;
        }
        current.upstreamReusable = upstreamKeepAlive;
        current.closeClientAfter = !clientKeepAlive;
        if (current.closeClientAfter) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (HttpVersion.HTTP_1_0.equals(current.clientVersion)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        current.lastClientWrite = client.write(response);
    }

    private void onContent(Exchange current, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (current.inInterimResponse) {
            current.inInterimResponse = !last;
            if (current.dropInterimResponse) {
                content.release();
            } else {
                current.lastClientWrite = connection.client().write(content);
            }
            return;
        }
        if (!current.responseStarted) {
            content.release();
            forwarder.failExchange(HttpResponseStatus.BAD_GATEWAY, "upstream " + current.target
                    + " sent a body without a head");
            return;
        }
        if (last && failure != null && current.endedByClose) {
            // The decoder ends a body without length when the connection ends, even when a reset ended it.
            content.release();
            abort(current, failure);
            return;
        }
        current.responseBodyBytes += content.content().readableBytes();
        current.lastClientWrite = connection.client().write(content);
        if (last) {
            current.responseComplete = true;
            forwarder.exchangeFinished(current);
        }
    }

    /** The response to {@code current} broke off and only the connection's end could mark its end: reset. */
    void abort(Exchange current, Throwable cause) {
        current.responseComplete = true;
        connection.client().flush();
        connection.abort("upstream " + current.target + " broke off the response to " + current.requestLine
                + " after " + current.responseBodyBytes + " bytes of its body"
                + (cause == null ? "" : " (" + ProxyResponses.describe(cause) + ")"));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reads.readComplete();
        connection.client().flush();
        readResponse();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The codec has already ended a body without length; a half-open upstream is of no further use.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        forwarder.upstreamClosed(ctx.channel(), failure);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Decoder and I/O failures: the connection cannot carry a response any more. Closing it lets
        // upstreamClosed answer the client, or the end of a body without length be seen as an abort.
        ClientConnection.LOG.debug("{}: upstream {} failed: {}", connection.describe(), ctx.channel().remoteAddress(),
                cause.toString());
        failure = cause;
        ctx.close();
    }
}
