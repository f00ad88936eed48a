package io.gost.plugin.http.handler;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The request phase: waits for a request head within the header timeout, checks it (decoder failures, Host
 * fields, the request-target form) and passes it on as a {@link ProxyRequest}, followed by that request's
 * body pieces up to its {@link LastHttpContent}. Refuses what it cannot pass on (400, 414, 431), and drops
 * whatever is not a head between requests (the tail of an answered one).
 *
 * <p>The header timeout runs whenever a head is asked for: on the first request a client that is too slow
 * gets a 408; an idle kept-alive connection is closed quietly, since a 408 could be mistaken for the answer to
 * a request the client sends at the same moment.
 */
final class RequestValidator extends ChannelDuplexHandler {

    private final ClientConnection connection;
    private ChannelHandlerContext ctx;
    /** Between a head passed on and its last body piece. */
    private boolean inRequest;
    private boolean firstRequest = true;
    private ScheduledFuture<?> headTimeout;

    RequestValidator(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        readNextHead();
        ctx.fireChannelActive();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!inRequest) {
            armHeadTimeout();
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (inRequest) {
            if (msg instanceof LastHttpContent) {
                inRequest = false;
            }
            ctx.fireChannelRead(msg);
        } else if (msg == RequestQueue.END_OF_INPUT) {
            // Nothing more will come: between requests this is the client's normal goodbye.
            connection.closeNow();
        } else if (msg instanceof HttpRequest request) {
            onHead(request);
        } else {
            // The tail of something already answered, e.g. the end of a refused request.
            ReferenceCountUtil.release(msg);
            readNextHead();
        }
    }

    private void onHead(HttpRequest request) {
        cancelHeadTimeout();
        firstRequest = false;
        // The service's connection and request-rate limits, before anything else is done for the request.
        java.util.Optional<io.gost.api.Refusal> limited = connection.context().admitRequest();
        if (limited.isPresent()) {
            connection.refuseByLimit(request, ProxyRequestException.refused(limited.get()));
            return;
        }
        RequestTarget target;
        try {
            target = validate(request);
        } catch (ProxyRequestException refusal) {
            connection.refuse(request, refusal);
            return;
        }
        inRequest = true;
        ctx.fireChannelRead(new ProxyRequest(request, target));
    }

    private static RequestTarget validate(HttpRequest request) throws ProxyRequestException {
        if (request.decoderResult().isFailure()) {
            throw ProxyResponses.forDecoderFailure(request.decoderResult().cause());
        }
        int hostFields = request.headers().getAll(HttpHeaderNames.HOST).size();
        if (hostFields > 1) {
            throw ProxyRequestException.badRequest("the request has " + hostFields + " Host headers; send exactly one");
        }
        String uri = request.uri();
        if (HttpMethod.CONNECT.equals(request.method())) {
            RequestTarget target = RequestTarget.parseAuthorityForm(uri);
            if (hostFields == 0 && HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
                throw ProxyRequestException.badRequest("an HTTP/1.1 request needs a Host header (RFC 9112 §3.2)");
            }
            return target;
        }
        if (uri.startsWith("/") || uri.equals("*")) {
            throw ProxyRequestException.badRequest("this is a proxy: send the full URL, as in GET http://host/path,"
                    + " or CONNECT host:port; got '" + RequestTarget.printable(uri) + "'");
        }
        // For absolute-form the URL's host wins over any Host header (RFC 9112 §3.2.2).
        return RequestTarget.parseAbsoluteForm(uri);
    }

    private void readNextHead() {
        if (!connection.isClosed() && ctx.channel().isActive()) {
            armHeadTimeout();
            ctx.read();
        }
    }

    private void armHeadTimeout() {
        if (headTimeout == null && !connection.isClosed()) {
            headTimeout = ctx.executor().schedule(this::onHeadTimeout,
                    connection.settings().headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelHeadTimeout() {
        if (headTimeout != null) {
            headTimeout.cancel(false);
            headTimeout = null;
        }
    }

    private void onHeadTimeout() {
        headTimeout = null;
        if (inRequest || connection.isClosed()) {
            return;
        }
        if (firstRequest) {
            connection.respondAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "no complete request header within "
                    + ProxyResponses.describe(connection.settings().headerTimeout()), HttpVersion.HTTP_1_1);
        } else {
            connection.closeNow();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelHeadTimeout();
    }
}
