package com.example.gost.socks4.connector;

import static io.gost.testkit.Bytes.ascii;
import static io.gost.testkit.Bytes.asciiAndRelease;
import static io.gost.testkit.Bytes.concat;
import static io.gost.testkit.Bytes.hex;
import static io.gost.testkit.Bytes.hexAndRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.api.handshake.HeldInbound;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Socks4ConnectorTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final InetSocketAddress IPV4_TARGET = new InetSocketAddress("198.18.0.2", 80);
    private static final InetSocketAddress NAMED_TARGET = InetSocketAddress.createUnresolved("example.com", 443);

    /** A connection to a hop at 198.18.0.1:1080, as the runtime hands it over: active, auto-read off. */
    private final EmbeddedChannel hop = new EmbeddedChannel() {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("198.18.0.1", 1080);
        }
    };

    @AfterEach
    void releaseEverything() {
        hop.finishAndReleaseAll();
    }

    private Future<Channel> connect(Metadata metadata, PluginContext context, String network, InetSocketAddress target) {
        hop.config().setAutoRead(false);
        Connector connector = new Socks4ConnectorFactory().create(metadata, context);
        return connector.connect(hop, network, target, TIMEOUT);
    }

    private Future<Channel> connect(InetSocketAddress target) {
        return connect(Metadata.empty(), PluginContext.named("node-0"), "tcp", target);
    }

    private static PluginContext withUser(String user) {
        return new PluginContext() {
            @Override
            public String ownerName() {
                return "node-0";
            }

            @Override
            public Optional<Credentials> credentials() {
                return Optional.of(new Credentials(user, "ignored"));
            }
        };
    }

    private static RouteException failure(Future<Channel> future) {
        assertThat(future.isDone()).as("done").isTrue();
        assertThat(future.cause()).isInstanceOf(RouteException.class);
        return (RouteException) future.cause();
    }

    @Test
    void ipv4TargetIsAskedForWithASocks4Connect() {
        Future<Channel> tunnel = connect(IPV4_TARGET);

        assertThat(hexAndRelease(hop.readOutbound())).isEqualTo("04" + "01" + "0050" + "c6120002" + "00");
        assertThat(tunnel.isDone()).isFalse();
    }

    @Test
    void hostNameIsAskedForWithSocks4aAndTheUserNameAsUserId() {
        connect(Metadata.empty(), withUser("alice"), "tcp", NAMED_TARGET);

        assertThat(hexAndRelease(hop.readOutbound()))
                .isEqualTo("04" + "01" + "01bb" + "00000001" + "616c696365" + "00" + "6578616d706c652e636f6d" + "00");
    }

    @Test
    void grantedAnswerCompletesWithTheSameChannelAndLeavesNoHandshakeHandlers() {
        List<String> before = hop.pipeline().names();
        Future<Channel> tunnel = connect(IPV4_TARGET);
        hop.writeInbound(hex("005a 0000 00000000"));

        assertThat(tunnel.isSuccess()).isTrue();
        assertThat(tunnel.getNow()).isSameAs(hop);
        assertThat(hop.pipeline().names()).isEqualTo(before);
        assertThat(hop.config().isAutoRead()).isFalse();
    }

    @Test
    void answerSplitAcrossReadsIsAssembled() {
        Future<Channel> tunnel = connect(IPV4_TARGET);
        hop.writeInbound(hex("005a00"));
        assertThat(tunnel.isDone()).isFalse();

        hop.writeInbound(hex("0000000000"));

        assertThat(tunnel.isSuccess()).isTrue();
    }

    @Test
    void refusalFailsWithHopRejectedNamingHopTargetAndCode() {
        Future<Channel> tunnel = connect(NAMED_TARGET);
        hop.writeInbound(hex("005b 0000 00000000"));

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(failure).hasMessage("socks4 hop 198.18.0.1:1080 answered CONNECT example.com:443 with 0x5B"
                + " (rejected or failed)");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void tunnelBytesThatCameWithTheAnswerAreDeliveredOnTheNextRead() {
        Future<Channel> tunnel = connect(IPV4_TARGET);
        hop.writeInbound(concat(hex("005a 0000 00000000"), ascii("SSH-2.0-server\r\n")));
        assertThat(tunnel.isSuccess()).isTrue();
        assertThat((Object) hop.readInbound()).as("nothing is delivered before someone reads").isNull();

        hop.read();
        hop.runPendingTasks();

        assertThat(asciiAndRelease(hop.readInbound())).isEqualTo("SSH-2.0-server\r\n");
        assertThat(hop.pipeline().get(HeldInbound.class)).as("the holder is gone once it delivered").isNull();
    }

    @Test
    void tunnelBytesReadBeforeAnyoneAsksJoinTheHeldOnesInOrder() {
        Future<Channel> tunnel = connect(IPV4_TARGET);
        hop.writeInbound(concat(hex("005a 0000 00000000"), ascii("first ")));
        assertThat(tunnel.isSuccess()).isTrue();
        // Auto-read is off, but epoll reads what is buffered when the hop half-closes.
        hop.writeInbound(ascii("second"));
        assertThat((Object) hop.readInbound()).isNull();

        hop.read();
        hop.runPendingTasks();

        StringBuilder delivered = new StringBuilder();
        for (ByteBuf next; (next = hop.readInbound()) != null; ) {
            delivered.append(asciiAndRelease(next));
        }
        assertThat(delivered).hasToString("first second");
    }

    @Test
    void noAnswerWithinTheTimeoutFailsWithTimeout() {
        hop.freezeTime();
        Future<Channel> tunnel = connect(IPV4_TARGET);

        hop.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.TIMEOUT);
        assertThat(failure).hasMessage("socks4 hop 198.18.0.1:1080 did not answer CONNECT 198.18.0.2:80 within 3s");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void metadataTimeoutOverridesTheOneTheRuntimeGives() {
        hop.freezeTime();
        Future<Channel> tunnel = connect(Metadata.of("timeout", "500ms"), PluginContext.named("node-0"), "tcp",
                IPV4_TARGET);

        hop.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();

        assertThat(failure(tunnel)).hasMessageEndingWith("within 500ms");
    }

    @Test
    void hopClosingBeforeItAnswersFails() {
        Future<Channel> tunnel = connect(IPV4_TARGET);
        hop.close();

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.GENERAL);
        assertThat(failure).hasMessage("socks4 hop 198.18.0.1:1080 closed the connection before answering CONNECT"
                + " 198.18.0.2:80");
    }

    @Test
    void answerThatIsNotSocks4FailsSayingSo() {
        Future<Channel> tunnel = connect(IPV4_TARGET);
        hop.writeInbound(hex("0500 0000 00000000"));

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.GENERAL);
        assertThat(failure).hasMessage("socks4 hop 198.18.0.1:1080 answered CONNECT 198.18.0.2:80 with something that"
                + " is not a SOCKS4 reply (it starts with 0x05, SOCKS4 replies start with 0x00); is it a SOCKS4 server?");
    }

    @Test
    void ipv6TargetFailsWithoutSendingAnything() {
        Future<Channel> tunnel = connect(new InetSocketAddress("::1", 80));

        assertThat(failure(tunnel)).hasMessage("cannot ask socks4 hop 198.18.0.1:1080 for [::1]:80: SOCKS4"
                + " carries IPv4 addresses and host names only, not ::1; use a socks5 hop for it");
        assertThat((Object) hop.readOutbound()).isNull();
    }

    @Test
    void udpIsRefused() {
        Future<Channel> tunnel = connect(Metadata.empty(), PluginContext.named("node-0"), "udp", IPV4_TARGET);

        assertThat(failure(tunnel)).hasMessage("the socks4 connector tunnels tcp only; cannot connect udp to 198.18.0.2:80");
    }
}
