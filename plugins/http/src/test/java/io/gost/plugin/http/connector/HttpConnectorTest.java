package io.gost.plugin.http.connector;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.RouteException;
import io.gost.api.handshake.HeldInbound;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.testkit.TestPluginContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connector {@code http} against a hop simulated by an {@link EmbeddedChannel}. */
@ExtendWith(NettyLeakDetection.class)
class HttpConnectorTest {

    private static final InetSocketAddress TARGET = InetSocketAddress.createUnresolved("example.com", 443);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AtomicInteger socketReads = new AtomicInteger();
    private EmbeddedChannel hop;

    @BeforeEach
    void openHop() {
        hop = new EmbeddedChannel();
        hop.freezeTime();
        hop.config().setAutoRead(false);
        hop.pipeline().addFirst("socket-reads", new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                socketReads.incrementAndGet();
                ctx.read();
            }
        });
    }

    @AfterEach
    void closeHop() {
        hop.finishAndReleaseAll();
    }

    // ---------------------------------------------------------------- the request

    @Test
    void requestCarriesHostAndBasicCredentialsExactly() {
        connector(Metadata.empty(), new Credentials("alice", "s3cret:x")).connect(hop, "tcp", TARGET, TIMEOUT);

        assertThat(outbound()).isEqualTo("CONNECT example.com:443 HTTP/1.1\r\n"
                + "Host: example.com:443\r\n"
                + "Proxy-Authorization: Basic YWxpY2U6czNjcmV0Ong=\r\n"
                + "\r\n");
        assertThat(socketReads).hasValue(1);
    }

    @Test
    void requestWithoutCredentialsCarriesNoAuthorizationButTheConfiguredHeaders() {
        connector(Metadata.of(Map.of("header", Map.of("User-Agent", "gost-test"))), null)
                .connect(hop, "tcp", TARGET, TIMEOUT);

        assertThat(outbound()).isEqualTo("CONNECT example.com:443 HTTP/1.1\r\n"
                + "Host: example.com:443\r\n"
                + "User-Agent: gost-test\r\n"
                + "\r\n");
    }

    @Test
    void ipv6TargetIsWrittenInBrackets() {
        connector(Metadata.empty(), null).connect(hop, "tcp", new InetSocketAddress("::1", 8443), TIMEOUT);

        assertThat(outbound()).startsWith("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n");
    }

    @Test
    void networkOtherThanTcpFailsWithoutTalkingToTheHop() {
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "udp", TARGET, TIMEOUT);

        assertThat(tunnel.cause()).isInstanceOf(RouteException.class).hasMessageContaining("tcp only");
        assertThat(outbound()).isEmpty();
    }

    // ---------------------------------------------------------------- success

    @Test
    void answer200CompletesWithTheSameChannelAndRemovesTheHandshakeHandlers() {
        List<String> before = hop.pipeline().names();
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.writeInbound(text("HTTP/1.1 200 Connection established\r\nProxy-Agent: test\r\n\r\n"));

        assertThat(tunnel.isSuccess()).isTrue();
        assertThat(tunnel.getNow()).isSameAs(hop);
        assertThat(hop.pipeline().names()).isEqualTo(before);
        assertThat(hop.config().isAutoRead()).isFalse();
        assertThat(hop.isOpen()).isTrue();
    }

    @Test
    void bytesBehindTheAnswerAreDeliveredOnTheNextRead() {
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.writeInbound(text("HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0-banner\r\n"));
        assertThat(tunnel.isSuccess()).isTrue();
        assertThat(hop.pipeline().get(HeldInbound.class)).as("the bytes wait for the next reader").isNotNull();
        Collector relay = new Collector();
        hop.pipeline().addLast(relay);
        int readsBefore = socketReads.get();

        hop.read();
        hop.runPendingTasks();

        assertThat(relay.received).hasToString("SSH-2.0-banner\r\n");
        assertThat(socketReads).as("the held bytes answer the read, the socket is not asked").hasValue(readsBefore);
        assertThat(hop.pipeline().get(HeldInbound.class)).isNull();
    }

    @Test
    void successAnswerOtherThan200AlsoOpensTheTunnelAndIgnoresItsFraming() {
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.writeInbound(text("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabcdef"));

        assertThat(tunnel.isSuccess()).isTrue();
        Collector relay = new Collector();
        hop.pipeline().addLast(relay);
        hop.read();
        hop.runPendingTasks();
        assertThat(relay.received).hasToString("abcdef");
    }

    @Test
    void answerSplitAcrossReadsAsksTheHopForMore() {
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.writeInbound(text("HTTP/1.1 200 Connec"));
        assertThat(tunnel.isDone()).isFalse();
        assertThat(socketReads.get()).isGreaterThan(1);
        hop.writeInbound(text("tion established\r\n\r\n"));

        assertThat(tunnel.isSuccess()).isTrue();
    }

    // ---------------------------------------------------------------- failures

    @Test
    void answer407FailsWithHopRejectedQuotingTheStatusLine() {
        Future<Channel> tunnel = connector(Metadata.empty(), new Credentials("alice", "wrong"))
                .connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.writeInbound(text("HTTP/1.1 407 Proxy Authentication Required\r\n"
                + "Proxy-Authenticate: Basic realm=\"gost\"\r\nContent-Length: 4\r\n\r\ndeny"));

        assertThat(tunnel.cause()).isInstanceOf(RouteException.class)
                .hasMessageContaining("answered CONNECT example.com:443 with HTTP/1.1 407 Proxy Authentication Required");
        assertThat(((RouteException) tunnel.cause()).reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void noAnswerWithinTheTimeoutFailsWithTimeout() {
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();
        assertThat(tunnel.isDone()).isFalse();
        hop.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();

        assertThat(tunnel.cause()).isInstanceOf(RouteException.class)
                .hasMessageContaining("did not answer CONNECT example.com:443 within 5s");
        assertThat(((RouteException) tunnel.cause()).reason()).isEqualTo(RouteException.Reason.TIMEOUT);
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void timeoutMetadataReplacesTheTimeoutTheRuntimePasses() {
        Future<Channel> tunnel = connector(Metadata.of("timeout", "500ms"), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();

        assertThat(tunnel.cause()).hasMessageContaining("within 500ms");
    }

    @Test
    void hopClosingBeforeAnsweringFails() {
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.close();

        assertThat(tunnel.cause()).isInstanceOf(RouteException.class)
                .hasMessageContaining("closed the connection before answering CONNECT example.com:443");
        assertThat(((RouteException) tunnel.cause()).reason()).isEqualTo(RouteException.Reason.GENERAL);
    }

    @Test
    void malformedAnswerFails() {
        Future<Channel> tunnel = connector(Metadata.empty(), null).connect(hop, "tcp", TARGET, TIMEOUT);
        outbound();

        hop.writeInbound(text("SSH-2.0-OpenSSH_9.2\r\n\r\n"));

        assertThat(tunnel.cause()).isInstanceOf(RouteException.class).hasMessageContaining("malformed answer");
        assertThat(hop.isOpen()).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    private static Connector connector(Metadata metadata, Credentials credentials) {
        return new HttpConnectorFactory().create(metadata,
                TestPluginContext.withCredentials("node-0", Optional.ofNullable(credentials)));
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, US_ASCII);
    }

    private String outbound() {
        StringBuilder text = new StringBuilder();
        Object msg;
        while ((msg = hop.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            text.append(buf.toString(US_ASCII));
            buf.release();
        }
        return text.toString();
    }

    /** Stands in for the relay: keeps what reaches the end of the pipeline as text. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final StringBuilder received = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received.append(buf.toString(US_ASCII));
            buf.release();
        }
    }
}
