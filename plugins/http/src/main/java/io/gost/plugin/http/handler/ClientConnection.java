package io.gost.plugin.http.handler;

import io.gost.api.HostPort;
import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the HTTP proxy, as its handlers share it: the settings and the runtime's context,
 * whether the client has ended its stream, and the ways the connection ends. Each handler of the pipeline
 * ({@link HttpProxyPipeline}) does one phase; they all answer and close through here, so every ending logs
 * one line, records its reason for the connection's log line and stops everything that could still act.
 * Used on the client's event loop only.
 */
final class ClientConnection {

    static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    /** How long a refused client may go on sending after the answer before the connection is closed. */
    static final long LINGER_MILLIS = 1000;

    private final Channel client;
    private final HttpProxySettings settings;
    private final HandlerContext context;
    private final List<Runnable> closers = new ArrayList<>(2);
    private boolean inputEnded;
    private boolean closed;
    private ScheduledFuture<?> linger;

    ClientConnection(Channel client, HttpProxySettings settings, HandlerContext context) {
        this.client = client;
        this.settings = settings;
        this.context = context;
    }

    Channel client() {
        return client;
    }

    HttpProxySettings settings() {
        return settings;
    }

    HandlerContext context() {
        return context;
    }

    /** True once the client has ended its stream (half-close): nothing more will come from it. */
    boolean inputEnded() {
        return inputEnded;
    }

    /** The client ended its stream; a connection that is already closing is closed at once. */
    void endInput() {
        inputEnded = true;
        if (closed) {
            client.close();
        }
    }

    /** True once the connection is closing or closed: the handlers drop whatever still arrives. */
    boolean isClosed() {
        return closed;
    }

    /** True while a closed connection still drains what the client sends, so that its answer is not reset away. */
    boolean lingering() {
        return linger != null && client.isActive();
    }

    /** Runs {@code closer} when the connection starts closing, e.g. to close an upstream connection. */
    void onClose(Runnable closer) {
        closers.add(closer);
    }

    /**
     * Answers a request the proxy refuses, logging one line with the status and the reason. A 407 keeps the
     * connection for the retry with credentials, unless a body would have to be read and thrown away first;
     * every other refusal closes it.
     *
     * @return true when the connection stays open: the caller drops the rest of the request
     */
    boolean refuse(HttpRequest request, ProxyRequestException refusal) {
        HttpResponseStatus status = refusal.status();
        String line = request.method() + " " + RequestTarget.printable(request.uri()) + " refused with "
                + status.code() + " " + status.reasonPhrase() + ": " + refusal.getMessage();
        boolean keepAlive = refusal.isAuthenticationRequired() && HttpUtil.isKeepAlive(request) && !hasBody(request)
                && !inputEnded;
        HttpResponse response = settings.errorResponse(status, refusal.getMessage(), keepAlive,
                request.protocolVersion());
        if (refusal.isAuthenticationRequired()) {
            response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"" + settings.realm() + "\"");
        }
        ReferenceCountUtil.release(request);
        LOG.info("{}: {}", describe(), line);
        if (keepAlive) {
            client.writeAndFlush(response);
            return true;
        }
        context.recordError(new Failure(line));
        closeAfter(client.writeAndFlush(response));
        return false;
    }

    /**
     * Answers a request a service limit refuses (503, 429) and closes; not logged here, since the runtime logs
     * its refusals (at most a line a second, naming the limiter) and a flood must not become a flood of lines.
     */
    void refuseByLimit(HttpRequest request, ProxyRequestException refusal) {
        HttpResponse response = settings.errorResponse(refusal.status(), refusal.getMessage(), false,
                request.protocolVersion());
        if (refusal.status().code() == 429 || refusal.status().code() == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        ReferenceCountUtil.release(request);
        closeAfter(client.writeAndFlush(response));
    }

    /** Answers with an error the proxy met itself (a failed dial, a broken upstream, a timeout), then closes. */
    void respondAndClose(HttpResponseStatus status, String detail, HttpVersion clientVersion) {
        String line = "answered " + status.code() + " " + status.reasonPhrase() + ": " + detail;
        LOG.info("{}: {}", describe(), line);
        context.recordError(new Failure(line));
        closeAfter(client.writeAndFlush(settings.errorResponse(status, detail, false, clientVersion)));
    }

    /**
     * Resets the client connection: for a response whose end the client can only see as the connection's end,
     * a reset is the one way to tell it the response is incomplete (a plain close would pass for its end).
     */
    void abort(String reason) {
        String line = reason + "; resetting the client connection so that it sees the response is incomplete";
        LOG.info("{}: {}", describe(), line);
        context.recordError(new Failure(reason));
        enterClosed();
        client.config().setOption(ChannelOption.SO_LINGER, 0);
        client.close();
    }

    /**
     * Closes the client once {@code lastWrite} is out. A client that may still be sending gets its output
     * half-closed and its input drained for {@value #LINGER_MILLIS} ms first: closing with unread bytes makes
     * the kernel send a reset, which can destroy the answer before the client reads it (RFC 9112 §9.6).
     */
    void closeAfter(ChannelFuture lastWrite) {
        enterClosed();
        if (lastWrite == null) {
            client.close();
            return;
        }
        lastWrite.addListener(written -> {
            if (!written.isSuccess() || inputEnded || !client.isActive() || !(client instanceof DuplexChannel duplex)) {
                client.close();
                return;
            }
            duplex.shutdownOutput();
            linger = client.eventLoop().schedule(() -> client.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            client.read();
        });
    }

    /** Closes the client at once after a failure the client learns of from the framing of a cut-off answer. */
    void fail(String reason) {
        LOG.info("{}: {}; closing", describe(), reason);
        context.recordError(new Failure(reason));
        closeNow();
    }

    /** Closes the client at once. */
    void closeNow() {
        enterClosed();
        client.close();
    }

    /** The client's channel went inactive. */
    void closed() {
        enterClosed();
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
    }

    private void enterClosed() {
        if (closed) {
            return;
        }
        closed = true;
        closers.forEach(Runnable::run);
    }

    /** {@code service NAME: connection SID from CLIENT}, the start of every log line about this connection. */
    String describe() {
        return "service " + context.serviceName() + ": connection " + context.sessionId() + " from "
                + HostPort.format(context.clientAddress());
    }

    /** {@code HTTP/1.1 200 Connection established} with the configured fields. */
    FullHttpResponse connectionEstablished() {
        return settings.connectionEstablished();
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /** Why a connection failed, for its log line; carries no stack trace. */
    static final class Failure extends Exception {

        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
