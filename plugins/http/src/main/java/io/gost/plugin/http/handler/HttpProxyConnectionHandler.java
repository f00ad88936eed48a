package io.gost.plugin.http.handler;

import io.gost.api.Authenticator;
import io.gost.api.Credentials;
import io.gost.api.HandlerContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the HTTP proxy: reads one request at a time, opens a tunnel for
 * {@code CONNECT} or forwards an absolute-form request, and streams the response back.
 *
 * <p>Auto-read is off. Everything the decoder delivers goes into a backlog first, and the current
 * {@link Phase} decides what is taken from it: so bytes of a pipelined next request, or of a body that
 * arrives while the upstream is still being dialed, simply wait. The client is read again only when
 * the backlog is empty and the phase wants input; while a body is sent upstream, only after the last
 * piece was written ({@link ReadAfterWrite}). The upstream is read the same way, gated on writes to the
 * client.
 *
 * <p>Every path ends in one of three ways: the next request on the same connection, the tunnel handed
 * to the runtime's relay, or {@link #closeAfter}/{@link #closeNow}, which also close the upstream and
 * release everything still held.
 *
 * <p>All of it runs on the client's event loop: the router's contract puts the upstream channel on the
 * same loop, so the upstream callbacks need no locking.
 */
final class HttpProxyConnectionHandler extends ChannelInboundHandlerAdapter
        implements UpstreamResponseHandler.Listener {

    static final Logger LOG = LoggerFactory.getLogger(HttpProxyConnectionHandler.class);

    /** How long a refused client may go on sending after the answer before the connection is closed. */
    static final long LINGER_MILLIS = 1000;

    /** Where the connection stands; {@link #consumesInput} says whether the backlog is being worked off. */
    private enum Phase {
        /** Waiting for the next request head. */
        AWAITING_HEAD(true),
        /** A forwarded request waits for its upstream connection. */
        DIALING(false),
        /** The request head went upstream; body pieces follow as they arrive. */
        SENDING_BODY(true),
        /** The rest of a refused request is read and dropped. */
        DISCARDING_BODY(true),
        /** The request went upstream completely; waiting for the end of the response. */
        AWAITING_RESPONSE(false),
        /** A CONNECT target is being dialed. */
        TUNNEL_DIALING(false),
        /** The channel went to the relay; this handler is gone. */
        TUNNEL_ESTABLISHED(false),
        /** Closed or closing; whatever still arrives is dropped. */
        CLOSED(false);

        final boolean consumesInput;

        Phase(boolean consumesInput) {
            this.consumesInput = consumesInput;
        }
    }

    /** The state of one forwarded request and its response. */
    private static final class Exchange {
        final HttpMethod method;
        final HttpVersion clientVersion;
        final boolean clientKeepAlive;
        final String target;
        boolean requestComplete;
        boolean responseStarted;
        boolean responseComplete;
        boolean inInterimResponse;
        boolean dropInterimResponse;
        boolean upstreamReusable;
        boolean closeClientAfter;
        ChannelFuture lastUpstreamWrite;
        ChannelFuture lastClientWrite;

        Exchange(HttpRequest request, String target) {
            this.method = request.method();
            this.clientVersion = request.protocolVersion();
            this.clientKeepAlive = HttpUtil.isKeepAlive(request);
            this.target = target;
        }
    }

    private final HttpProxySettings settings;
    private final HandlerContext context;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();

    private Channel client;
    private ReadAfterWrite clientReads;
    private Phase phase = Phase.AWAITING_HEAD;
    private boolean draining;
    private boolean firstRequest = true;
    private boolean clientInputShutdown;
    private ScheduledFuture<?> headTimeout;
    private ScheduledFuture<?> linger;

    private Exchange exchange;
    private HttpRequest requestAwaitingUpstream;
    private Channel upstream;
    private String upstreamKey;
    private ReadAfterWrite upstreamReads;
    private boolean upstreamFlushPending;

    HttpProxyConnectionHandler(HttpProxySettings settings, HandlerContext context) {
        this.settings = settings;
        this.context = context;
    }

    // ---------------------------------------------------------------- client channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        client = ctx.channel();
        clientReads = new ReadAfterWrite(client);
        if (client.isActive()) {
            continueReadingClient();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        continueReadingClient();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        backlog.add(msg);
        drainBacklog();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        clientReads.readComplete();
        if (phase == Phase.CLOSED) {
            if (linger != null && client.isActive()) {
                client.read();
            }
            return;
        }
        continueReadingClient();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client will send nothing more (half-closure is allowed on accepted channels).
            clientInputShutdown = true;
            if (phase == Phase.CLOSED) {
                client.close();
            } else {
                continueReadingClient();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        enterClosed();
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("[{}] client {} failed: {}", context.sessionId(), context.clientAddress(), cause.toString());
        closeNow();
        if (!ProxyResponses.isConnectionFailure(cause)) {
            // Not the client's doing but a bug here: passed on, so that Netty logs it with its stack trace
            // (and a test sees it) instead of it passing for a dropped connection.
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBacklog();
        cancelHeadTimeout();
    }

    // ---------------------------------------------------------------- the backlog

    private void drainBacklog() {
        if (draining) {
            // Re-entered from a handler we called (e.g. a codec being removed): the outer loop goes on.
            return;
        }
        draining = true;
        try {
            while (phase.consumesInput && !backlog.isEmpty()) {
                Object msg = backlog.poll();
                switch (phase) {
                    case AWAITING_HEAD -> onRequestStart(msg);
                    case SENDING_BODY -> forwardRequestContent(msg);
                    case DISCARDING_BODY -> discardRequestContent(msg);
                    default -> throw new IllegalStateException("phase " + phase + " takes no input");
                }
            }
            if (phase == Phase.CLOSED) {
                releaseBacklog();
            }
        } finally {
            draining = false;
        }
        flushUpstream();
        continueReadingClient();
    }

    private void continueReadingClient() {
        if (!phase.consumesInput || !backlog.isEmpty() || draining || !client.isActive()) {
            return;
        }
        if (clientInputShutdown) {
            if (phase == Phase.SENDING_BODY && !exchange.responseStarted) {
                respondAndClose(HttpResponseStatus.BAD_REQUEST, "the connection was half-closed before the whole"
                        + " request body arrived");
            } else {
                // Nothing more will come: between requests this is the client's normal goodbye.
                closeNow();
            }
            return;
        }
        if (phase == Phase.AWAITING_HEAD) {
            armHeadTimeout();
        }
        ChannelFuture gate = phase == Phase.SENDING_BODY ? exchange.lastUpstreamWrite : null;
        clientReads.readAfter(gate, this::continueReadingClient);
    }

    private void releaseBacklog() {
        Object msg;
        while ((msg = backlog.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---------------------------------------------------------------- request head

    private void onRequestStart(Object msg) {
        if (!(msg instanceof HttpRequest request)) {
            // The tail of something already answered, e.g. after a refused request: nothing to pass on.
            ReferenceCountUtil.release(msg);
            return;
        }
        cancelHeadTimeout();
        firstRequest = false;
        RequestTarget target;
        try {
            target = validate(request);
            authenticate(request);
        } catch (ProxyRequestException refusal) {
            refuse(request, refusal);
            return;
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            startTunnel(request, target);
        } else {
            startForward(request, target);
        }
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

    private void authenticate(HttpRequest request) throws ProxyRequestException {
        Optional<Authenticator> authenticator = settings.authenticator();
        if (authenticator.isEmpty()) {
            return;
        }
        String field = request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
        Optional<Credentials> credentials = BasicProxyAuthorization.parse(field);
        if (credentials.isPresent()
                && authenticator.get().authenticate(credentials.get().username(), credentials.get().password())) {
            return;
        }
        throw ProxyRequestException.authenticationRequired(field == null
                ? "this proxy needs a user name and password (Proxy-Authorization: Basic)"
                : "the credentials in Proxy-Authorization were not accepted");
    }

    private void refuse(HttpRequest request, ProxyRequestException refusal) {
        LOG.debug("[{}] {} {} refused: {} {}", context.sessionId(), request.method(),
                RequestTarget.printable(request.uri()), refusal.status().code(), refusal.getMessage());
        // A 407 may keep the connection for the retry with credentials, unless a body would have to be
        // read and thrown away first.
        boolean keepAlive = refusal.isAuthenticationRequired() && HttpUtil.isKeepAlive(request)
                && !hasBody(request) && !clientInputShutdown;
        HttpResponse response = ProxyResponses.error(refusal.status(), refusal.getMessage(), keepAlive,
                request.protocolVersion(), settings.proxyAgent());
        if (refusal.isAuthenticationRequired()) {
            response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"" + settings.realm() + "\"");
        }
        ReferenceCountUtil.release(request);
        if (keepAlive) {
            client.writeAndFlush(response);
            phase = Phase.DISCARDING_BODY;
        } else {
            closeAfter(client.writeAndFlush(response));
        }
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    private void discardRequestContent(Object msg) {
        if (msg instanceof HttpRequest) {
            // Cannot happen after a well-formed request, but a head is never dropped silently.
            phase = Phase.AWAITING_HEAD;
            onRequestStart(msg);
            return;
        }
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (last) {
            phase = Phase.AWAITING_HEAD;
        }
    }

    // ---------------------------------------------------------------- CONNECT

    private void startTunnel(HttpRequest request, RequestTarget target) {
        phase = Phase.TUNNEL_DIALING;
        LOG.debug("[{}] CONNECT {}", context.sessionId(), target.hostAndPort());
        HttpVersion clientVersion = request.protocolVersion();
        ReferenceCountUtil.release(request);
        // Whatever the client sent after the CONNECT head belongs to the tunnel. Without the decoder those
        // bytes reach this handler raw (the decoder hands over what it buffered when it is removed) and
        // wait in the backlog until the tunnel is up.
        HttpServerCodec codec = client.pipeline().get(HttpServerCodec.class);
        if (codec != null) {
            codec.removeInboundHandler();
        }
        context.router().dial("tcp", target.address()).addListener((Future<Channel> dialed) -> {
            if (draining) {
                // Dialed at once (the decoder is still delivering what followed the head, e.g. its
                // LastHttpContent): hand over only after that has reached the backlog, never the relay.
                client.eventLoop().execute(() -> onTunnelDialed(dialed, target, clientVersion));
            } else {
                onTunnelDialed(dialed, target, clientVersion);
            }
        });
    }

    private void onTunnelDialed(Future<Channel> dialed, RequestTarget target, HttpVersion clientVersion) {
        if (phase != Phase.TUNNEL_DIALING || !client.isActive()) {
            if (dialed.isSuccess()) {
                dialed.getNow().close();
            }
            return;
        }
        if (!dialed.isSuccess()) {
            answerDialFailure(dialed.cause(), target, clientVersion);
            return;
        }
        Channel tunnel = dialed.getNow();
        phase = Phase.TUNNEL_ESTABLISHED;
        // Encoded right away by the codec's encoder, so the codec can go straight after.
        client.writeAndFlush(ProxyResponses.connectionEstablished(settings.proxyAgent()));
        List<ByteBuf> pipelined = new ArrayList<>();
        Object msg;
        while ((msg = backlog.poll()) != null) {
            if (msg instanceof ByteBuf bytes) {
                pipelined.add(bytes);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        ChannelPipeline pipeline = client.pipeline();
        pipeline.remove(HttpProxyPipeline.SERVER_CODEC);
        pipeline.remove(HttpProxyPipeline.BYTE_COUNTER);
        pipeline.remove(this);
        // Already counted by the byte counter when they were read.
        for (ByteBuf bytes : pipelined) {
            tunnel.write(bytes).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        tunnel.flush();
        LOG.debug("[{}] tunnel to {} established", context.sessionId(), target.hostAndPort());
        context.relay(tunnel);
        if (clientInputShutdown) {
            // The client half-closed before the relay was there to see it: tell the relay now.
            pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    private void answerDialFailure(Throwable cause, RequestTarget target, HttpVersion clientVersion) {
        HttpResponseStatus status = ProxyResponses.statusForDialFailure(cause);
        String detail = "cannot reach " + target.hostAndPort() + ": " + ProxyResponses.describe(cause);
        LOG.debug("[{}] {}", context.sessionId(), detail);
        closeAfter(client.writeAndFlush(ProxyResponses.error(status, detail, false, clientVersion,
                settings.proxyAgent())));
    }

    // ---------------------------------------------------------------- forwarding: request

    private void startForward(HttpRequest request, RequestTarget target) {
        exchange = new Exchange(request, target.hostAndPort());
        LOG.debug("[{}] {} {}", context.sessionId(), request.method(), RequestTarget.printable(request.uri()));
        HopByHopHeaders.stripRequest(request.headers());
        request.setUri(target.originForm());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.headers().set(HttpHeaderNames.HOST, target.authority());
        if (upstream != null && upstream.isActive() && target.connectionKey().equals(upstreamKey)) {
            sendRequestHead(request);
            return;
        }
        closeUpstream();
        phase = Phase.DIALING;
        requestAwaitingUpstream = request;
        context.router().dial("tcp", target.address()).addListener(
                (Future<Channel> dialed) -> onUpstreamDialed(dialed, target));
    }

    private void onUpstreamDialed(Future<Channel> dialed, RequestTarget target) {
        if (phase != Phase.DIALING || !client.isActive()) {
            if (dialed.isSuccess()) {
                dialed.getNow().close();
            }
            return;
        }
        HttpRequest request = requestAwaitingUpstream;
        requestAwaitingUpstream = null;
        if (!dialed.isSuccess()) {
            answerDialFailure(dialed.cause(), target, exchange.clientVersion);
            return;
        }
        Channel channel = dialed.getNow();
        upstream = channel;
        upstreamKey = target.connectionKey();
        upstreamReads = new ReadAfterWrite(channel);
        channel.pipeline()
                .addLast(HttpProxyPipeline.CLIENT_CODEC,
                        new HttpClientCodec(HttpProxyPipeline.decoderConfig(), false, false))
                .addLast(HttpProxyPipeline.UPSTREAM, new UpstreamResponseHandler(this));
        sendRequestHead(request);
        drainBacklog();
    }

    private void sendRequestHead(HttpRequest request) {
        phase = Phase.SENDING_BODY;
        exchange.lastUpstreamWrite = writeUpstream(request);
        // Read the response from now on: an upstream may answer before the body is complete.
        continueReadingUpstream();
    }

    private void forwardRequestContent(Object msg) {
        if (!(msg instanceof HttpContent content)) {
            ReferenceCountUtil.release(msg);
            closeNow();
            return;
        }
        if (content.decoderResult().isFailure()) {
            String detail = "malformed request body: " + ProxyResponses.describe(content.decoderResult().cause());
            content.release();
            failExchange(HttpResponseStatus.BAD_REQUEST, detail);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        exchange.lastUpstreamWrite = writeUpstream(content);
        if (last) {
            exchange.requestComplete = true;
            phase = Phase.AWAITING_RESPONSE;
        }
    }

    private ChannelFuture writeUpstream(Object msg) {
        upstreamFlushPending = true;
        return upstream.write(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void flushUpstream() {
        if (upstreamFlushPending && upstream != null) {
            upstreamFlushPending = false;
            upstream.flush();
        }
    }

    // ---------------------------------------------------------------- forwarding: response

    @Override
    public void onResponseObject(Channel from, HttpObject msg) {
        Exchange current = exchange;
        if (from != upstream || current == null || current.responseComplete || phase == Phase.CLOSED) {
            // A response nobody asked for cannot be paired with a request: that connection is done.
            ReferenceCountUtil.release(msg);
            from.close();
            return;
        }
        if (msg.decoderResult().isFailure()) {
            String detail = "upstream " + current.target + " sent a malformed response: "
                    + ProxyResponses.describe(msg.decoderResult().cause());
            ReferenceCountUtil.release(msg);
            failExchange(HttpResponseStatus.BAD_GATEWAY, detail);
        } else if (msg instanceof HttpResponse response) {
            onResponseHead(current, response);
        } else if (msg instanceof HttpContent content) {
            onResponseContent(current, content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(Exchange current, HttpResponse response) {
        int code = response.status().code();
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                failExchange(HttpResponseStatus.BAD_GATEWAY, "upstream " + current.target
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
        // An answer that comes before the request body is through usually means the body is unwanted
        // (413, 401 ...); the client connection cannot be kept then, so say so in the answer itself.
        boolean clientKeepAlive = current.clientKeepAlive && upstreamKeepAlive && current.requestComplete;
        HopByHopHeaders.stripResponse(response.headers());
        if (!bodiless && chunked && HttpVersion.HTTP_1_0.equals(current.clientVersion)) {
            // An HTTP/1.0 client cannot read chunks: send the body plain and end it by closing.
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            clientKeepAlive = false;
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

    private void onResponseContent(Exchange current, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (current.inInterimResponse) {
            current.inInterimResponse = !last;
            if (current.dropInterimResponse) {
                content.release();
            } else {
                current.lastClientWrite = client.write(content);
            }
            return;
        }
        if (!current.responseStarted) {
            content.release();
            failExchange(HttpResponseStatus.BAD_GATEWAY, "upstream " + current.target + " sent a body without a head");
            return;
        }
        current.lastClientWrite = client.write(content);
        if (last) {
            current.responseComplete = true;
            finishExchange(current);
        }
    }

    @Override
    public void onUpstreamReadComplete(Channel from) {
        if (from != upstream) {
            return;
        }
        upstreamReads.readComplete();
        client.flush();
        continueReadingUpstream();
    }

    private void continueReadingUpstream() {
        Exchange current = exchange;
        if (current == null || current.responseComplete || upstream == null) {
            return;
        }
        upstreamReads.readAfter(current.lastClientWrite, this::continueReadingUpstream);
    }

    @Override
    public void onUpstreamInactive(Channel from) {
        if (from != upstream) {
            return;
        }
        upstream = null;
        upstreamKey = null;
        Exchange current = exchange;
        if (current == null || current.responseComplete || phase == Phase.CLOSED) {
            // An idle connection the server closed: the next request dials afresh.
            return;
        }
        if (current.responseStarted) {
            LOG.debug("[{}] upstream {} closed in the middle of the response", context.sessionId(), current.target);
            closeNow();
        } else {
            respondAndClose(HttpResponseStatus.BAD_GATEWAY, "upstream " + current.target
                    + " closed the connection without answering");
        }
    }

    private void finishExchange(Exchange finished) {
        exchange = null;
        client.flush();
        if (!finished.requestComplete) {
            // The upstream answered before the request body was through; neither connection can tell
            // where the next message would start.
            finished.closeClientAfter = true;
            finished.upstreamReusable = false;
        }
        if (!finished.upstreamReusable || upstream == null || !upstream.isActive()) {
            closeUpstream();
        }
        if (finished.closeClientAfter || clientInputShutdown) {
            closeAfter(finished.lastClientWrite);
            return;
        }
        phase = Phase.AWAITING_HEAD;
        // Not right here: the upstream codec may still be decoding the rest of this read, and anything it
        // finds there answers no request. Starting the next exchange first would pair such a stray
        // response with the next request; this way it meets no exchange and the connection is dropped.
        client.eventLoop().execute(this::drainBacklog);
    }

    // ---------------------------------------------------------------- endings

    /** Answers with an error when nothing of the response went out yet, else just closes. */
    private void failExchange(HttpResponseStatus status, String detail) {
        LOG.debug("[{}] {}", context.sessionId(), detail);
        if (exchange != null && exchange.responseStarted) {
            closeNow();
        } else {
            respondAndClose(status, detail);
        }
    }

    private void respondAndClose(HttpResponseStatus status, String detail) {
        HttpVersion version = exchange != null ? exchange.clientVersion : HttpVersion.HTTP_1_1;
        closeAfter(client.writeAndFlush(ProxyResponses.error(status, detail, false, version, settings.proxyAgent())));
    }

    /**
     * Closes the client once {@code lastWrite} is out. A client that may still be sending gets its
     * output half-closed and its input drained for {@value #LINGER_MILLIS} ms first: closing with unread
     * bytes makes the kernel send a reset, which can destroy the answer before the client reads it
     * (RFC 9112 §9.6).
     */
    private void closeAfter(ChannelFuture lastWrite) {
        enterClosed();
        if (lastWrite == null) {
            client.close();
            return;
        }
        lastWrite.addListener(written -> {
            if (!written.isSuccess() || clientInputShutdown || !client.isActive()
                    || !(client instanceof DuplexChannel duplex)) {
                client.close();
                return;
            }
            duplex.shutdownOutput();
            linger = client.eventLoop().schedule(this::closeClient, LINGER_MILLIS, TimeUnit.MILLISECONDS);
            client.read();
        });
    }

    private void closeClient() {
        client.close();
    }

    private void closeNow() {
        enterClosed();
        client.close();
    }

    /** Stops everything that could still act: timers, the upstream, buffered input. */
    private void enterClosed() {
        if (phase == Phase.TUNNEL_ESTABLISHED) {
            return;
        }
        phase = Phase.CLOSED;
        exchange = null;
        requestAwaitingUpstream = null;
        cancelHeadTimeout();
        releaseBacklog();
        closeUpstream();
    }

    private void closeUpstream() {
        Channel channel = upstream;
        upstream = null;
        upstreamKey = null;
        upstreamFlushPending = false;
        if (channel != null) {
            channel.close();
        }
    }

    // ---------------------------------------------------------------- header timeout

    private void armHeadTimeout() {
        if (headTimeout == null) {
            headTimeout = client.eventLoop().schedule(this::onHeadTimeout,
                    settings.headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
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
        if (phase != Phase.AWAITING_HEAD) {
            return;
        }
        if (firstRequest) {
            LOG.debug("[{}] no request header from {} within {}", context.sessionId(), context.clientAddress(),
                    ProxyResponses.describe(settings.headerTimeout()));
            respondAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "no complete request header within "
                    + ProxyResponses.describe(settings.headerTimeout()));
        } else {
            // An idle keep-alive connection: a 408 here could be mistaken for the answer to a request the
            // client sends at the same moment, so close quietly.
            closeNow();
        }
    }
}
