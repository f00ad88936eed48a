package io.gost.plugin.http.handler;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.plugin.http.testing.ErrorRecordingContext;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestPluginContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Handler {@code http} driven through {@link EmbeddedChannel}s for the client and the upstream. */
@ExtendWith(NettyLeakDetection.class)
class HttpProxyHandlerTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final AtomicInteger clientReads = new AtomicInteger();
    private final EmbeddedChannel upstream = track(new EmbeddedChannel());

    @AfterEach
    void releaseEverything() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    // ---------------------------------------------------------------- CONNECT

    @Test
    void connectAnswers200AndHandsTheChannelToTheRelay() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));

        assertThat(context.dialedTargets()).containsExactly(InetSocketAddress.createUnresolved("example.com", 443));
        assertThat(outbound(client)).startsWith("HTTP/1.1 200 Connection established\r\n").endsWith("\r\n\r\n");
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
        assertThat(client.pipeline().names()).noneMatch(name -> name.startsWith("gost-http-"));
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void connectForwardsBytesPipelinedBehindTheHeadBeforeTheRelayStarts() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nclient hello"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 200 ");
        assertThat(outbound(upstream)).isEqualTo("client hello");
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
    }

    @Test
    void connectKeepsPipelinedBytesWhileTheDialIsStillRunning() {
        Promise<Channel> dial = ImmediateEventExecutor.INSTANCE.newPromise();
        TestHandlerContext context = TestHandlerContext.builder().router((network, target) -> dial).build();
        EmbeddedChannel client = client(context);

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nfirst "));
        assertThat(outbound(client)).isEmpty();
        dial.setSuccess(upstream);

        assertThat(outbound(upstream)).isEqualTo("first ");
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
    }

    @Test
    void connectToAnIpv6LiteralDialsTheBareAddress() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n"));

        assertThat(context.dialedTargets()).containsExactly(InetSocketAddress.createUnresolved("::1", 8443));
    }

    @Test
    void connectWithoutPortIsRefusedWith400() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("CONNECT needs a port");
        assertThat(context.dialedTargets()).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "TIMEOUT, 504 Gateway Timeout",
            "NOT_ALLOWED, 403 Forbidden",
            "REFUSED, 502 Bad Gateway",
            "UNREACHABLE, 502 Bad Gateway",
            "HOP_REJECTED, 502 Bad Gateway",
            "GENERAL, 502 Bad Gateway"})
    void connectFailureIsAnsweredByReasonAndCloses(RouteException.Reason reason, String statusLine) {
        TestHandlerContext context = TestHandlerContext.builder()
                .router((network, target) -> ImmediateEventExecutor.INSTANCE
                        .newFailedFuture(new RouteException(reason, "dial example.com:443 failed on purpose")))
                .build();
        EmbeddedChannel client = client(context);

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));

        String answer = outbound(client);
        assertThat(answer).startsWith("HTTP/1.1 " + statusLine + "\r\n")
                .contains("connection: close")
                .contains("cannot reach example.com:443: dial example.com:443 failed on purpose");
        assertContentLengthMatchesBody(answer);
        assertThat(client.isOpen()).isFalse();
        assertThat(context.relayedUpstreams()).isEmpty();
    }

    @Test
    void forwardedRequestToAnUnreachableTargetIsAnswered502() {
        TestHandlerContext context = TestHandlerContext.builder()
                .router((network, target) -> ImmediateEventExecutor.INSTANCE
                        .newFailedFuture(new RouteException(RouteException.Reason.REFUSED, "connection refused")))
                .build();
        EmbeddedChannel client = client(context);

        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 502 Bad Gateway\r\n");
        assertThat(client.isOpen()).isFalse();
    }

    // ---------------------------------------------------------------- authentication

    @Test
    void requestWithoutCredentialsIsAnswered407AndTheConnectionStays() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(Metadata.empty(), withUser("alice", "secret"), context);

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));

        String answer = outbound(client);
        assertThat(answer).startsWith("HTTP/1.1 407 Proxy Authentication Required\r\n")
                .contains("proxy-authenticate: Basic realm=\"gost\"\r\n")
                .doesNotContain("connection: close");
        assertContentLengthMatchesBody(answer);
        assertThat(context.dialedTargets()).isEmpty();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void wrongCredentialsAreAnswered407WithTheConfiguredRealm() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(Metadata.of("realm", "corp"), withUser("alice", "secret"), context);

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
                + "Proxy-Authorization: Basic " + base64("alice:wrong") + "\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 407 ")
                .contains("proxy-authenticate: Basic realm=\"corp\"\r\n")
                .contains("were not accepted");
        assertThat(context.dialedTargets()).isEmpty();
    }

    @Test
    void retryWithCredentialsOnTheSameConnectionSucceeds() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(Metadata.empty(), withUser("alice", "secret"), context);

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
        assertThat(outbound(client)).startsWith("HTTP/1.1 407 ");
        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
                + "Proxy-Authorization: Basic " + base64("alice:secret") + "\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 200 Connection established");
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
    }

    @Test
    void proxyAuthorizationIsNeverForwarded() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(Metadata.empty(), withUser("alice", "secret"), context);

        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n"
                + "Proxy-Authorization: Basic " + base64("alice:secret") + "\r\n\r\n"));

        assertThat(outbound(upstream)).startsWith("GET / HTTP/1.1\r\n").doesNotContainIgnoringCase("proxy-authorization");
    }

    @Test
    void refusedRequestWithBodyClosesInsteadOfReadingTheBody() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(Metadata.empty(), withUser("alice", "secret"), context);

        client.writeInbound(text("POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 407 ").contains("connection: close");
        assertThat(client.isOpen()).isFalse();
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void originFormRequestIsRefusedWith400() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        String answer = outbound(client);
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("send the full URL");
        assertContentLengthMatchesBody(answer);
        assertThat(client.isOpen()).isFalse();
        assertThat(context.dialedTargets()).isEmpty();
    }

    @Test
    void malformedRequestLineIsRefusedWith400() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("GET\u0001 http://example.com/ HTTP/1.1 extra\r\nHost: example.com\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void transferEncodingTogetherWithContentLengthIsRefusedWith400() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .contains("both Transfer-Encoding and Content-Length");
        assertThat(context.dialedTargets()).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void duplicateHostHeaderIsRefusedWith400() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nHost: evil.example\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("2 Host headers");
        assertThat(context.dialedTargets()).isEmpty();
    }

    @Test
    void connectWithoutHostHeaderInHttp11IsRefusedWith400() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("needs a Host header");
    }

    @Test
    void absoluteFormRequestWithoutHostHeaderUsesTheUrlHost() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("GET http://example.com:8080/a HTTP/1.1\r\n\r\n"));

        assertThat(context.dialedTargets()).containsExactly(InetSocketAddress.createUnresolved("example.com", 8080));
        assertThat(outbound(upstream)).contains("\r\nhost: example.com:8080\r\n");
    }

    @Test
    void headerSectionLargerThan64KiBIsRefusedWith431() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nX-Big: "
                + "a".repeat(70 * 1024) + "\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n")
                .contains("larger than 65536 bytes");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void requestLineLongerThan8KiBIsRefusedWith414() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("GET http://example.com/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 414 ");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void httpsUrlIsRefusedWithAHintToUseConnect() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("GET https://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 400 ").contains("CONNECT host:443");
    }

    @Test
    void incompleteHeaderIsAnswered408AfterTheReadTimeout() {
        EmbeddedChannel client = client(Metadata.of("readTimeout", "2s"), PluginContext.named("service-0"),
                dialing(upstream));

        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: exa"));
        client.advanceTimeBy(1900, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isTrue();
        client.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();

        assertThat(outbound(client)).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("within 2s");
        assertThat(client.isOpen()).isFalse();
    }

    // ---------------------------------------------------------------- forwarding

    @Test
    void absoluteFormRequestGoesUpstreamInOriginFormWithoutHopByHopHeaders() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);

        client.writeInbound(text("GET http://user:pw@Example.com:8080/path/x?q=1&r=2#frag HTTP/1.1\r\n"
                + "Host: wrong.example\r\n"
                + "Connection: keep-alive, X-Hop\r\n"
                + "X-Hop: dropped\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "TE: trailers\r\n"
                + "Trailer: X-Checksum\r\n"
                + "Upgrade: websocket\r\n"
                + "X-End-To-End: kept\r\n"
                + "Accept: */*\r\n\r\n"));

        assertThat(context.dialedTargets()).containsExactly(InetSocketAddress.createUnresolved("Example.com", 8080));
        String request = outbound(upstream);
        assertThat(request).startsWith("GET /path/x?q=1&r=2 HTTP/1.1\r\n")
                .contains("\r\nhost: Example.com:8080\r\n")
                .contains("\r\nX-End-To-End: kept\r\n")
                .contains("\r\nAccept: */*\r\n");
        assertThat(request.toLowerCase()).doesNotContain("connection:", "x-hop", "keep-alive", "te:", "trailer:",
                "upgrade:", "wrong.example");
    }

    @Test
    void responseIsStreamedBackWithoutHopByHopHeaders() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 11\r\nKeep-Alive: timeout=5\r\n"
                + "Connection: keep-alive, X-Internal\r\nX-Internal: secret\r\nX-Origin: yes\r\n\r\nhello"));
        upstream.writeInbound(text(" world"));

        String response = outbound(client);
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\nX-Origin: yes\r\n")
                .endsWith("\r\n\r\nhello world");
        assertThat(response.toLowerCase()).doesNotContain("keep-alive", "x-internal", "connection:");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void contentLengthBodyIsStreamedUpstream() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("POST http://example.com/form HTTP/1.1\r\nHost: example.com\r\n"
                + "Content-Length: 10\r\n\r\nfirst"));
        assertThat(outbound(upstream)).startsWith("POST /form HTTP/1.1\r\n").containsIgnoringCase("content-length: 10")
                .endsWith("\r\n\r\nfirst");
        client.writeInbound(text("-half"));

        assertThat(outbound(upstream)).isEqualTo("-half");
    }

    @Test
    void chunkedBodyIsStreamedUpstreamChunkByChunk() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("POST http://example.com/upload HTTP/1.1\r\nHost: example.com\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
        assertThat(outbound(upstream)).startsWith("POST /upload HTTP/1.1\r\n")
                .containsIgnoringCase("transfer-encoding: chunked").endsWith("\r\n\r\n5\r\nhello\r\n");
        client.writeInbound(text("6\r\n world\r\n0\r\n\r\n"));

        assertThat(outbound(upstream)).isEqualTo("6\r\n world\r\n0\r\n\r\n");
    }

    @Test
    void nextBodyPieceIsReadOnlyAfterThePreviousWriteUpstreamSucceeded() {
        List<ChannelPromise> heldWrites = new ArrayList<>();
        upstream.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                // The upstream socket is "full": writes stay pending until the test lets them through.
                ChannelPromise held = ctx.newPromise();
                heldWrites.add(promise);
                ctx.write(msg, held);
            }
        });
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\n"
                + "Content-Length: 10\r\n\r\nfirst"));
        int readsWhileBlocked = clientReads.get();
        assertThat(heldWrites).isNotEmpty();
        assertThat(clientReads.get()).isEqualTo(readsWhileBlocked);

        heldWrites.forEach(ChannelPromise::setSuccess);

        assertThat(clientReads.get()).isEqualTo(readsWhileBlocked + 1);
    }

    @Test
    void bodyThatArrivedDuringTheDialIsSentAndTheRestIsReadFromTheClient() {
        Promise<Channel> dial = ImmediateEventExecutor.INSTANCE.newPromise();
        EmbeddedChannel client = client(TestHandlerContext.builder().router((network, target) -> dial).build());
        client.writeInbound(text("POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\n"
                + "Content-Length: 10\r\n\r\nfirst"));
        int readsBeforeTheDial = clientReads.get();

        dial.setSuccess(upstream);

        assertThat(outbound(upstream)).startsWith("POST / HTTP/1.1\r\n").endsWith("\r\n\r\nfirst");
        assertThat(clientReads.get()).as("the client is read again for the rest of the body")
                .isEqualTo(readsBeforeTheDial + 1);
        client.writeInbound(text("-half"));
        assertThat(outbound(upstream)).isEqualTo("-half");
    }

    @Test
    void headResponseWithChunkedFramingHasNoBody() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("HEAD http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));

        // No "0" terminator: a HEAD answer has no body whatever its framing says.
        assertThat(outbound(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n").doesNotContain("\r\n0\r\n");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void secondRequestToTheSameHostReusesTheUpstreamConnection() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);
        client.writeInbound(text("GET http://example.com/one HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);
        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"));
        assertThat(outbound(client)).endsWith("one");

        client.writeInbound(text("GET http://example.com/two HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        assertThat(outbound(upstream)).startsWith("GET /two HTTP/1.1\r\n");
        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"));

        assertThat(outbound(client)).endsWith("two");
        assertThat(context.dialedTargets()).hasSize(1);
        assertThat(upstream.isOpen()).isTrue();
    }

    @Test
    void secondRequestToAnotherHostClosesTheFirstUpstreamAndDialsAgain() {
        EmbeddedChannel second = track(new EmbeddedChannel());
        List<EmbeddedChannel> upstreams = new ArrayList<>(List.of(upstream, second));
        TestHandlerContext context = TestHandlerContext.builder().router((network, target) -> {
            EmbeddedChannel next = upstreams.remove(0);
            return next.eventLoop().newSucceededFuture(next);
        }).build();
        EmbeddedChannel client = client(context);
        client.writeInbound(text("GET http://one.example/ HTTP/1.1\r\nHost: one.example\r\n\r\n"));
        outbound(upstream);
        upstream.writeInbound(text("HTTP/1.1 204 No Content\r\n\r\n"));
        outbound(client);

        client.writeInbound(text("GET http://two.example/ HTTP/1.1\r\nHost: two.example\r\n\r\n"));

        assertThat(upstream.isOpen()).isFalse();
        assertThat(outbound(second)).startsWith("GET / HTTP/1.1\r\n").contains("host: two.example");
        assertThat(context.dialedTargets()).hasSize(2);
    }

    @Test
    void pipelinedRequestWaitsUntilTheFirstResponseIsComplete() {
        EmbeddedChannel client = client(dialing(upstream));

        client.writeInbound(text("GET http://example.com/one HTTP/1.1\r\nHost: example.com\r\n\r\n"
                + "GET http://example.com/two HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        assertThat(outbound(upstream)).startsWith("GET /one ").doesNotContain("/two");
        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"));
        client.runPendingTasks();

        assertThat(outbound(upstream)).startsWith("GET /two ");
        assertThat(outbound(client)).startsWith("HTTP/1.1 200 OK").endsWith("one");
    }

    @Test
    void strayResponseBehindTheAnswerIsNeverPairedWithTheNextRequest() {
        EmbeddedChannel second = track(new EmbeddedChannel());
        List<EmbeddedChannel> upstreams = new ArrayList<>(List.of(upstream, second));
        TestHandlerContext context = TestHandlerContext.builder().router((network, target) -> {
            EmbeddedChannel next = upstreams.remove(0);
            return next.eventLoop().newSucceededFuture(next);
        }).build();
        EmbeddedChannel client = client(context);
        client.writeInbound(text("GET http://example.com/one HTTP/1.1\r\nHost: example.com\r\n\r\n"
                + "GET http://example.com/two HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray"));
        client.runPendingTasks();

        assertThat(upstream.isOpen()).isFalse();
        assertThat(outbound(second)).startsWith("GET /two ");
        second.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"));
        assertThat(outbound(client)).endsWith("two").doesNotContain("stray");
    }

    @Test
    void earlyAnswerBeforeTheBodyIsCompleteEndsBothConnections() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\n"
                + "Content-Length: 100\r\n\r\nonly a part"));
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 413 ").contains("connection: close");
        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
    }

    @Test
    void clientHalfCloseBetweenRequestsEndsTheConnection() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);
        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        client.runPendingTasks();
        assertThat(client.isOpen()).isTrue();

        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
    }

    @Test
    void clientHalfCloseAfterTheRequestStillGetsTheResponse() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(client.isOpen()).isTrue();
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

        assertThat(outbound(client)).endsWith("ok");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void halfCloseBeforeTheTunnelIsUpIsPassedToTheRelay() {
        Promise<Channel> dial = ImmediateEventExecutor.INSTANCE.newPromise();
        List<Object> relayEvents = new ArrayList<>();
        EmbeddedChannel[] clientHolder = new EmbeddedChannel[1];
        // The context has no client channel, so the relay finds the client in clientHolder.
        TestHandlerContext context = TestHandlerContext.builder()
                .router((network, target) -> dial)
                .relay((noClient, tunnel) -> {
                    clientHolder[0].pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            relayEvents.add(evt);
                        }
                    });
                    return ImmediateEventExecutor.INSTANCE.newPromise();
                })
                .build();
        EmbeddedChannel client = client(context);
        clientHolder[0] = client;
        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nlast words"));
        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        dial.setSuccess(upstream);

        assertThat(outbound(upstream)).isEqualTo("last words");
        assertThat(relayEvents).containsExactly(ChannelInputShutdownEvent.INSTANCE);
    }

    @Test
    void responseWithConnectionCloseEndsTheClientConnection() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));

        assertThat(outbound(client)).contains("\r\nconnection: close\r\n").endsWith("ok");
        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
    }

    @Test
    void responseEndedByCloseIsPassedOnAndEndsTheClientConnection() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\n\r\nuntil the end"));
        upstream.close();

        assertThat(outbound(client)).contains("\r\nconnection: close\r\n").endsWith("until the end");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void http10ClientWithoutKeepAliveIsClosedAfterTheResponse() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.0\r\n\r\n"));
        assertThat(outbound(upstream)).startsWith("GET / HTTP/1.1\r\n");

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

        assertThat(outbound(client)).contains("connection: close").endsWith("ok");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void http10ClientGetsAChunkedResponseUnchunked() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        outbound(upstream);

        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));

        String response = outbound(client);
        assertThat(response).doesNotContainIgnoringCase("transfer-encoding").contains("connection: close").endsWith("abc");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void upstreamClosingBeforeAnsweringIsAnswered502() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);

        upstream.close();

        assertThat(outbound(client)).startsWith("HTTP/1.1 502 Bad Gateway\r\n").contains("without answering");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void clientGoingAwayClosesTheUpstream() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);

        client.close();

        assertThat(upstream.isOpen()).isFalse();
    }

    @Test
    void interimContinueIsPassedOnBeforeTheFinalResponse() {
        EmbeddedChannel client = client(dialing(upstream));
        client.writeInbound(text("POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\n"
                + "Content-Length: 2\r\n\r\n"));
        outbound(upstream);
        upstream.writeInbound(text("HTTP/1.1 100 Continue\r\n\r\n"));
        assertThat(outbound(client)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");

        client.writeInbound(text("ok"));
        assertThat(outbound(upstream)).isEqualTo("ok");
        upstream.writeInbound(text("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 201 Created\r\n");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void bytesMovedByTheHandlerAreCounted() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(context);
        String request = "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n";
        client.writeInbound(text(request));
        outbound(upstream);
        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

        String response = outbound(client);

        assertThat(context.countedFromClient()).isEqualTo(request.length());
        assertThat(context.countedToClient()).isEqualTo(response.length());
    }

    @Test
    void forbiddenTargetIsAnswered403AndTheReasonRecordedForTheLogLine() {
        List<Throwable> errors = ErrorRecordingContext.errorList();
        TestHandlerContext context = TestHandlerContext.builder()
                .router((network, target) -> ImmediateEventExecutor.INSTANCE.newFailedFuture(
                        new RouteException(RouteException.Reason.NOT_ALLOWED, "example.com:443 is bypassed")))
                .build();
        EmbeddedChannel client = track(new EmbeddedChannel());
        client.config().setAutoRead(false);
        new HttpHandlerFactory().create(Metadata.empty(), PluginContext.named("service-0"))
                .handle(client, new ErrorRecordingContext(context, errors));

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 403 Forbidden\r\n");
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                .isEqualTo("answered 403 Forbidden: cannot reach example.com:443: example.com:443 is bypassed");
    }

    @Test
    void headerMapIsAddedToConnectionEstablishedAndErrorsButNotToForwardedResponses() {
        TestHandlerContext context = dialing(upstream);
        EmbeddedChannel client = client(Metadata.of("header.X-Proxy", "gost-java"), PluginContext.named("service-0"),
                context);
        client.writeInbound(text("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"));
        outbound(upstream);
        upstream.writeInbound(text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertThat(outbound(client)).doesNotContain("X-Proxy");

        client.writeInbound(text("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));

        assertThat(outbound(client)).startsWith("HTTP/1.1 200 Connection established\r\n")
                .contains("\r\nX-Proxy: gost-java\r\n");
    }

    // ---------------------------------------------------------------- helpers

    private EmbeddedChannel client(TestHandlerContext context) {
        return client(Metadata.empty(), PluginContext.named("service-0"), context);
    }

    private EmbeddedChannel client(Metadata metadata, PluginContext pluginContext, TestHandlerContext context) {
        EmbeddedChannel client = track(new EmbeddedChannel());
        // Timers run only when a test advances the clock.
        client.freezeTime();
        client.config().setAutoRead(false);
        client.pipeline().addFirst("read-counter", new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                clientReads.incrementAndGet();
                ctx.read();
            }
        });
        new HttpHandlerFactory().create(metadata, pluginContext).handle(client, context);
        return client;
    }

    private EmbeddedChannel track(EmbeddedChannel channel) {
        channels.add(channel);
        return channel;
    }

    private static TestHandlerContext dialing(EmbeddedChannel upstream) {
        return TestHandlerContext.builder().router((network, target) -> succeeded(upstream)).build();
    }

    private static Future<Channel> succeeded(EmbeddedChannel channel) {
        return channel.eventLoop().newSucceededFuture(channel);
    }

    private static PluginContext withUser(String username, String password) {
        return TestPluginContext.acceptingUser("service-0", username, password);
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, US_ASCII);
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(US_ASCII));
    }

    /** Everything written to {@code channel} so far, as text; the buffers are released. */
    private static String outbound(EmbeddedChannel channel) {
        if (channel.isOpen()) {
            channel.flushOutbound();
        }
        StringBuilder text = new StringBuilder();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            text.append(buf.toString(US_ASCII));
            buf.release();
        }
        return text.toString();
    }

    private static void assertContentLengthMatchesBody(String response) {
        int bodyStart = response.indexOf("\r\n\r\n") + 4;
        String head = response.substring(0, bodyStart).toLowerCase();
        int at = head.indexOf("content-length: ") + "content-length: ".length();
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        assertThat(response.length() - bodyStart).isEqualTo(length);
    }
}
