package io.gost.plugin.http.handler;

import io.gost.api.RouteException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The answers the proxy writes itself, and how failures map onto status codes. */
final class ProxyResponses {

    static final AsciiString PROXY_AGENT = AsciiString.cached("proxy-agent");

    /** RFC 9110 §9.3.6 allows any 2xx, but old clients accept only 200. */
    static final HttpResponseStatus CONNECTION_ESTABLISHED = new HttpResponseStatus(200, "Connection established");

    private ProxyResponses() {
    }

    /**
     * {@code HTTP/1.1 200 Connection established}: no body, no framing headers, the tunnel follows.
     *
     * @param fields added to the answer (the handler's {@code header} map)
     */
    static FullHttpResponse connectionEstablished(String proxyAgent, Map<String, String> fields) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, CONNECTION_ESTABLISHED,
                Unpooled.EMPTY_BUFFER);
        fields.forEach(response.headers()::add);
        response.headers().set(PROXY_AGENT, proxyAgent);
        return response;
    }

    /**
     * An error answer with a one-line text body naming the problem.
     *
     * @param keepAlive false adds {@code Connection: close}; true adds {@code Connection: keep-alive}
     *                  for an HTTP/1.0 client, which would otherwise assume the connection ends
     * @param fields    added to the answer (the handler's {@code header} map); the framing fields win
     */
    static FullHttpResponse error(HttpResponseStatus status, String detail, boolean keepAlive,
                                  HttpVersion clientVersion, String proxyAgent, Map<String, String> fields) {
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + detail + "\n")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        fields.forEach(response.headers()::add);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(PROXY_AGENT, proxyAgent);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (HttpVersion.HTTP_1_0.equals(clientVersion)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }

    /** 504 for timeouts, 403 for bypass/admission refusals, 502 for everything else. */
    static HttpResponseStatus statusForDialFailure(Throwable cause) {
        if (cause instanceof RouteException route) {
            switch (route.reason()) {
                case TIMEOUT:
                    return HttpResponseStatus.GATEWAY_TIMEOUT;
                case NOT_ALLOWED:
                    return HttpResponseStatus.FORBIDDEN;
                default:
                    return HttpResponseStatus.BAD_GATEWAY;
            }
        }
        return cause instanceof ConnectTimeoutException
                ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
    }

    /** Turns the failure the request decoder recorded into the refusal to send. */
    static ProxyRequestException forDecoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return ProxyRequestException.of(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "the request line is longer than " + HttpProxyPipeline.MAX_INITIAL_LINE_LENGTH + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return ProxyRequestException.of(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request header section is larger than " + HttpProxyPipeline.MAX_HEADER_SIZE + " bytes");
        }
        if (cause instanceof ContentLengthNotAllowedException) {
            return ProxyRequestException.badRequest(
                    "the request has both Transfer-Encoding and Content-Length; send only one");
        }
        if (cause instanceof TransferEncodingNotAllowedException) {
            return ProxyRequestException.badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request");
        }
        if (cause instanceof PrematureChannelClosureException) {
            return ProxyRequestException.badRequest("the connection was closed in the middle of the request header");
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return ProxyRequestException.badRequest("malformed request: " + RequestTarget.printable(reason));
    }

    /**
     * True for what a client connection can suffer without a bug on our side: socket errors and bytes a
     * decoder could not make sense of.
     */
    static boolean isConnectionFailure(Throwable cause) {
        return cause instanceof IOException || cause instanceof DecoderException;
    }

    /** {@code 10s}, {@code 1500ms}: durations as a user writes them in metadata. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** The message of a failure, or its type when it has none. */
    static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
