package io.gost.plugin.http.handler;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One forwarded request and its response, as {@link RequestForwarder} and {@link ResponseRelay} share it.
 * Used on the client's event loop only.
 */
final class Exchange {

    final HttpMethod method;
    final HttpVersion clientVersion;
    final boolean clientKeepAlive;
    /** {@code host:port}, for messages. */
    final String target;
    /** The request line as the client sent it, for messages. */
    final String requestLine;

    boolean requestComplete;
    boolean responseStarted;
    boolean responseComplete;
    boolean inInterimResponse;
    boolean dropInterimResponse;
    boolean upstreamReusable;
    boolean closeClientAfter;
    /** The client can see the end of the response only as the connection's end (no length, no chunks). */
    boolean endedByClose;
    long responseBodyBytes;
    ChannelFuture lastUpstreamWrite;
    ChannelFuture lastClientWrite;

    Exchange(HttpRequest request, String target) {
        this.method = request.method();
        this.clientVersion = request.protocolVersion();
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.target = target;
        this.requestLine = request.method() + " " + RequestTarget.printable(request.uri());
    }
}
