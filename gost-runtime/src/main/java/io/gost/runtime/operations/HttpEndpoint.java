package io.gost.runtime.operations;

import io.gost.api.Credentials;
import io.gost.api.HostPort;
import io.gost.api.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for the operator's endpoints (the Web API, the metrics) on the runtime's event
 * loops: requests up to 1 MiB, HTTP Basic authentication compared in constant time, an optional access log
 * line per request, and {@code GET /health} for probes, which needs no credentials.
 *
 * <p>Requests a web page makes (they carry an {@code Origin} header) are refused: there are no CORS headers,
 * and without this a page the operator opens could still send a "simple" cross-site POST that the browser
 * does not preflight. curl, Prometheus and Kubernetes probes send no {@code Origin}.
 */
public final class HttpEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    private static final int MAX_BODY = 1024 * 1024;
    private static final int READ_TIMEOUT_SECONDS = 30;
    /** The probe path, outside any prefix and without credentials. */
    public static final String HEALTH_PATH = "/health";

    /** A request, its body read whole. */
    public record Request(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                          String body, InetSocketAddress client) {

        /** The first value of a query parameter, or {@code fallback}. */
        public String query(String name, String fallback) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? fallback : values.get(0);
        }
    }

    /** A reply. */
    public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

        public static Reply json(int status, String json) {
            return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public static Reply text(int status, String contentType, String text) {
            return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    /** Answers requests; may complete later (a change waits for the control thread). */
    @FunctionalInterface
    public interface Routes {
        CompletableFuture<Reply> handle(Request request);
    }

    /** What {@code GET /health} says. */
    @FunctionalInterface
    public interface Health {
        /** Null when healthy, else why not (the probe gets 503 with the reason). */
        String problem();
    }

    private final String name;
    private final Channel server;

    private HttpEndpoint(String name, Channel server) {
        this.name = name;
        this.server = server;
    }

    /**
     * Binds {@code address} and serves {@code routes}.
     *
     * @param name      {@code api} or {@code metrics}, for logs
     * @param users     who may use it; empty for anybody who reaches it
     * @param accessLog one info line per request
     * @throws IllegalStateException when the address cannot be bound
     */
    public static HttpEndpoint start(String name, InetSocketAddress address, Transport transport,
                                     List<Credentials> users, boolean accessLog, Health health, Routes routes) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new Dispatcher(name, users, accessLog, health, routes));
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException(name + ": cannot listen on " + address + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        HttpEndpoint endpoint = new HttpEndpoint(name, bound.channel());
        log.info("{} listening on {}{}", name, HostPort.format(bound.channel().localAddress()),
                users.isEmpty() ? " without authentication" : " (HTTP Basic authentication)");
        return endpoint;
    }

    /** The address bound. */
    public SocketAddress boundAddress() {
        return server.localAddress();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.debug("{} closed", name);
    }

    /** Per connection: checks, then routes, one request at a time. */
    private static final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String name;
        private final List<Credentials> users;
        private final boolean accessLog;
        private final Health health;
        private final Routes routes;

        Dispatcher(String name, List<Credentials> users, boolean accessLog, Health health, Routes routes) {
            this.name = name;
            this.users = users;
            this.accessLog = accessLog;
            this.health = health;
            this.routes = routes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            long start = System.nanoTime();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
            String method = request.method().name();
            String requestUri = request.uri();
            CompletableFuture<Reply> reply;
            if (!request.decoderResult().isSuccess()) {
                reply = CompletableFuture.completedFuture(error(400, 400, "malformed request"));
            } else if (uri.path().equals(HEALTH_PATH) && (request.method().equals(HttpMethod.GET)
                    || request.method().equals(HttpMethod.HEAD))) {
                String problem = health.problem();
                reply = CompletableFuture.completedFuture(problem == null
                        ? Reply.json(200, "{\"status\":\"ok\"}\n")
                        : Reply.json(503, "{\"status\":\"unavailable\",\"msg\":" + quote(problem) + "}\n"));
            } else if (request.headers().contains(HttpHeaderNames.ORIGIN)) {
                reply = CompletableFuture.completedFuture(error(403, 403, "requests from web pages are refused"
                        + " (no CORS); use curl or another HTTP client"));
            } else if (!authorised(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                reply = CompletableFuture.completedFuture(new Reply(401, "application/json",
                        "{\"code\":401,\"msg\":\"Unauthorized\"}\n".getBytes(StandardCharsets.UTF_8),
                        Map.of("WWW-Authenticate", "Basic realm=\"gost\"")));
            } else {
                String body = request.content().toString(StandardCharsets.UTF_8);
                try {
                    reply = routes.handle(new Request(request.method(), uri.path(), uri.parameters(), request.headers(),
                            body, client));
                } catch (RuntimeException e) {
                    reply = CompletableFuture.failedFuture(e);
                }
            }
            reply.whenComplete((answer, failure) -> {
                Reply sent = answer;
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    log.warn("{}: {} {} failed: {}", name, method, requestUri, cause.toString(), cause);
                    sent = error(500, 500, String.valueOf(cause.getMessage()));
                }
                write(ctx, sent, keepAlive, method.equals("HEAD"));
                if (accessLog) {
                    log.info("kind={} method={} uri={} code={} client={} duration={}ms", name, method, requestUri,
                            sent.status(), client == null ? "-" : client.getAddress().getHostAddress() + ":"
                                    + client.getPort(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            });
        }

        /** Basic credentials against every user, each compared in constant time. */
        private boolean authorised(String authorization) {
            if (users.isEmpty()) {
                return true;
            }
            if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                return false;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(authorization.substring(6).trim());
            } catch (IllegalArgumentException e) {
                return false;
            }
            boolean match = false;
            for (Credentials user : users) {
                byte[] expected = (user.username() + ":" + user.password()).getBytes(StandardCharsets.UTF_8);
                // Every user is compared, and MessageDigest.isEqual takes as long for any content of a given
                // length: the time of a refusal tells nothing of how close a guess came.
                match |= MessageDigest.isEqual(expected, given);
            }
            return match;
        }

        private static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive, boolean head) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
            response.headers().set("X-Content-Type-Options", "nosniff");
            reply.headers().forEach((header, value) -> response.headers().set(header, value));
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{}: connection from {}: {}", name, ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** GOST's error reply: {@code {"code":C,"msg":"..."}}. */
    public static Reply error(int status, int code, String message) {
        return Reply.json(status, "{\"code\":" + code + ",\"msg\":" + quote(message) + "}\n");
    }

    /** A JSON string. */
    static String quote(String text) {
        return io.gost.runtime.config.ConfigWriter.json(text).trim();
    }
}
