package io.gost.plugin.socks.connector;

import static io.gost.plugin.socks.testing.Embedded.array;
import static io.gost.plugin.socks.testing.Embedded.bytes;
import static io.gost.plugin.socks.testing.Embedded.inbound;
import static io.gost.plugin.socks.testing.Embedded.join;
import static io.gost.plugin.socks.testing.Embedded.outbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.RouteException;
import io.gost.plugin.socks.LeakDetection;
import io.gost.plugin.socks.testing.Embedded;
import io.gost.testkit.TestPluginContext;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SOCKS5 connector on an EmbeddedChannel standing for the connection to the hop at 127.0.0.1:1080. */
@ExtendWith(LeakDetection.class)
class Socks5ConnectorTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 80);
    private static final int[] CONNECT_127_0_0_1_80 = {0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x00, 0x50};
    private static final int[] SUCCESS_REPLY = {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x04, 0x38};

    private final EmbeddedChannel hop = Embedded.channel(new InetSocketAddress("127.0.0.1", 50_000),
            new InetSocketAddress("127.0.0.1", 1080));

    @AfterEach
    void releaseEverything() {
        hop.finishAndReleaseAll();
    }

    private static Connector connector(Optional<Credentials> credentials) {
        return new Socks5ConnectorFactory().create(Metadata.empty(),
                TestPluginContext.withCredentials("node-0", credentials));
    }

    private Future<Channel> connect(Optional<Credentials> credentials, InetSocketAddress target) {
        return connector(credentials).connect(hop, "tcp", target, Duration.ofSeconds(10));
    }

    private static RouteException failure(Future<Channel> result) {
        assertThat(result.isDone()).as("connect finished").isTrue();
        assertThat(result.cause()).isInstanceOf(RouteException.class);
        return (RouteException) result.cause();
    }

    // ---- what is sent ----

    @Test
    void withoutCredentialsTheGreetingOffersNoAuthOnly() {
        connect(Optional.empty(), TARGET);

        assertThat(outbound(hop)).containsExactly(0x05, 0x01, 0x00);
    }

    @Test
    void withCredentialsTheGreetingOffersNoAuthAndUsernamePassword() {
        connect(Optional.of(new Credentials("user", "pass")), TARGET);

        assertThat(outbound(hop)).containsExactly(0x05, 0x02, 0x00, 0x02);
    }

    @Test
    void afterNoAuthIsChosenAnIpv4TargetIsAskedForAsIpv4() {
        connect(Optional.empty(), TARGET);
        outbound(hop);

        hop.writeInbound(bytes(0x05, 0x00));

        assertThat(outbound(hop)).isEqualTo(array(CONNECT_127_0_0_1_80));
    }

    @Test
    void anUnresolvedNameIsAskedForAsDomainSoTheHopResolvesIt() {
        connect(Optional.empty(), InetSocketAddress.createUnresolved("example.com", 443));
        outbound(hop);

        hop.writeInbound(bytes(0x05, 0x00));

        byte[] host = "example.com".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = new byte[5 + host.length + 2];
        System.arraycopy(array(0x05, 0x01, 0x00, 0x03, host.length), 0, expected, 0, 5);
        System.arraycopy(host, 0, expected, 5, host.length);
        expected[expected.length - 2] = 0x01;
        expected[expected.length - 1] = (byte) 0xBB;
        assertThat(outbound(hop)).isEqualTo(expected);
    }

    @Test
    void anUnresolvedIpLiteralIsAskedForAsIpv4() {
        connect(Optional.empty(), InetSocketAddress.createUnresolved("127.0.0.1", 80));
        outbound(hop);

        hop.writeInbound(bytes(0x05, 0x00));

        assertThat(outbound(hop)).isEqualTo(array(CONNECT_127_0_0_1_80));
    }

    @Test
    void anIpv6TargetIsAskedForAsIpv6() throws Exception {
        connect(Optional.empty(), new InetSocketAddress(InetAddress.getByName("::1"), 80));
        outbound(hop);

        hop.writeInbound(bytes(0x05, 0x00));

        assertThat(outbound(hop)).containsExactly(
                0x05, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x50);
    }

    @Test
    void whenTheHopChoosesUsernamePasswordTheCredentialsAreSentAsUtf8ThenTheConnect() {
        connect(Optional.of(new Credentials("jürgen", "pass")), TARGET);
        outbound(hop);

        hop.writeInbound(bytes(0x05, 0x02));
        byte[] user = "jürgen".getBytes(StandardCharsets.UTF_8);
        assertThat(outbound(hop)).isEqualTo(bytesOf(join(0x01, user.length, user, 4,
                "pass".getBytes(StandardCharsets.US_ASCII))));
        hop.writeInbound(bytes(0x01, 0x00));

        assertThat(outbound(hop)).isEqualTo(array(CONNECT_127_0_0_1_80));
    }

    private static byte[] bytesOf(io.netty.buffer.ByteBuf buffer) {
        try {
            return io.netty.buffer.ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    // ---- success ----

    @Test
    void successCompletesWithTheSameChannelAndLeavesNoSocksCodecsBehind() {
        List<String> before = hop.pipeline().names();
        Future<Channel> result = connect(Optional.empty(), TARGET);
        hop.writeInbound(bytes(0x05, 0x00));
        outbound(hop);

        hop.writeInbound(bytes(SUCCESS_REPLY));

        assertThat(result.isSuccess()).isTrue();
        assertThat(result.getNow()).isSameAs(hop);
        assertThat(hop.config().isAutoRead()).isFalse();
        assertThat(hop.pipeline().names()).isEqualTo(before);
        hop.read();
        assertThat(inbound(hop)).isEmpty();
    }

    @Test
    void bytesTheHopSendsWithItsReplyAreGivenToTheNextReaderOnItsFirstRead() {
        List<String> before = hop.pipeline().names();
        Future<Channel> result = connect(Optional.empty(), TARGET);
        hop.writeInbound(bytes(0x05, 0x00));
        outbound(hop);
        byte[] early = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);

        hop.writeInbound(join(SUCCESS_REPLY, early));
        assertThat(result.isSuccess()).isTrue();
        assertThat(inbound(hop)).as("nothing before the next reader reads").isEmpty();
        hop.read();
        hop.runPendingTasks();

        assertThat(inbound(hop)).isEqualTo(early);
        assertThat(hop.pipeline().names()).isEqualTo(before);
    }

    // ---- failures ----

    @Test
    void aNonZeroReplyIsHopRejectedNamingTheHopTheTargetAndTheCode() {
        Future<Channel> result = connect(Optional.empty(), InetSocketAddress.createUnresolved("example.com", 443));
        hop.writeInbound(bytes(0x05, 0x00));

        hop.writeInbound(bytes(0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0));

        RouteException failure = failure(result);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(failure.getMessage()).isEqualTo(
                "socks5 hop 127.0.0.1:1080 answered CONNECT example.com:443 with 0x05 connection refused");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void noAcceptableMethodIsHopRejected() {
        Future<Channel> result = connect(Optional.empty(), TARGET);

        hop.writeInbound(bytes(0x05, 0xFF));

        RouteException failure = failure(result);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(failure.getMessage()).contains("accepts none of the offered methods (0x00 no-auth)");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void aHopAskingForUsernamePasswordWhenNoneWereGivenIsHopRejected() {
        Future<Channel> result = connect(Optional.empty(), TARGET);

        hop.writeInbound(bytes(0x05, 0x02));

        assertThat(failure(result).reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(failure(result).getMessage()).contains("chose method 0x02, which was not offered");
    }

    @Test
    void rejectedCredentialsAreHopRejectedNamingTheUser() {
        Future<Channel> result = connect(Optional.of(new Credentials("user", "wrong")), TARGET);
        hop.writeInbound(bytes(0x05, 0x02));

        hop.writeInbound(bytes(0x01, 0x01));

        RouteException failure = failure(result);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(failure.getMessage()).contains("rejected the username/password of user 'user'")
                .doesNotContain("wrong");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void noAnswerWithinTheTimeoutIsTimeout() {
        Future<Channel> result = connector(Optional.empty()).connect(hop, "tcp", TARGET, Duration.ofSeconds(3));
        hop.writeInbound(bytes(0x05, 0x00));

        hop.advanceTimeBy(3, TimeUnit.SECONDS);
        hop.runScheduledPendingTasks();

        RouteException failure = failure(result);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.TIMEOUT);
        assertThat(failure.getMessage()).contains("waiting for its CONNECT reply");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void timeoutMetadataReplacesTheTimeoutTheRuntimePasses() {
        Connector connector = new Socks5ConnectorFactory().create(Metadata.of("timeout", "500ms"),
                TestPluginContext.withCredentials("node-0", Optional.empty()));
        Future<Channel> result = connector.connect(hop, "tcp", TARGET, Duration.ofSeconds(10));

        hop.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();

        assertThat(failure(result).getMessage()).isEqualTo("socks5 hop 127.0.0.1:1080 did not answer CONNECT"
                + " 127.0.0.1:80 within 500ms (waiting for its method selection)");
    }

    @Test
    void aHopThatClosesMidHandshakeFailsSayingWhatWasAwaited() {
        Future<Channel> result = connect(Optional.empty(), TARGET);

        hop.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        RouteException failure = failure(result);
        // Closing is not an answer: GENERAL, as for every connector built on gost-api's HandshakeConnector.
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.GENERAL);
        assertThat(failure.getMessage()).isEqualTo("socks5 hop 127.0.0.1:1080 closed the connection before answering"
                + " CONNECT 127.0.0.1:80 (waiting for its method selection)");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void aMalformedAnswerIsGeneral() {
        Future<Channel> result = connect(Optional.empty(), TARGET);

        hop.writeInbound(bytes(0x04, 0x5A));

        RouteException failure = failure(result);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.GENERAL);
        assertThat(failure.getMessage()).contains("malformed SOCKS5 method selection");
        assertThat(hop.isOpen()).isFalse();
    }

    // ---- datagrams: GOST's UDP-TUN ----

    private static final int[] UDP_TUN_NO_ADDRESS = {0x05, 0xF3, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00};

    @Test
    void udpToATargetAsksForUdpTunWithNoAddressAndFramesDatagramsForTheTarget() {
        Future<Channel> result = connector(Optional.empty()).connect(hop, "udp",
                InetSocketAddress.createUnresolved("dns.example", 53), Duration.ofSeconds(3));
        outbound(hop);
        hop.writeInbound(bytes(0x05, 0x00));
        assertThat(outbound(hop)).isEqualTo(array(UDP_TUN_NO_ADDRESS));

        hop.writeInbound(bytes(SUCCESS_REPLY));
        assertThat(result.isSuccess()).isTrue();
        hop.writeOutbound(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'q'}));

        byte[] name = "dns.example".getBytes(StandardCharsets.US_ASCII);
        assertThat(outbound(hop)).isEqualTo(bytesOf(join(new int[] {0x00, 0x01, 0xFF, 0x03, name.length}, name,
                new int[] {0x00, 0x35, 'q'})));
    }

    @Test
    void aUdpTunnelReadsFramesAsDatagramsNamingTheirSource() {
        Future<Channel> result = connector(Optional.empty()).associate(hop, Duration.ofSeconds(3));
        hop.writeInbound(bytes(0x05, 0x00));
        outbound(hop);
        hop.writeInbound(bytes(SUCCESS_REPLY));
        assertThat(result.isSuccess()).isTrue();

        hop.writeInbound(bytes(0x00, 0x02, 0xFF, 0x01, 9, 9, 9, 9, 0x00, 0x35, 'o', 'k'));

        io.netty.channel.socket.DatagramPacket packet = hop.readInbound();
        assertThat(packet.sender()).isEqualTo(new InetSocketAddress("9.9.9.9", 53));
        assertThat(packet.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
        packet.release();
    }

    @Test
    void anAssociationFramesEachDatagramForItsRecipient() {
        connector(Optional.empty()).associate(hop, Duration.ofSeconds(3));
        hop.writeInbound(bytes(0x05, 0x00));
        assertThat(outbound(hop)).isEqualTo(bytesOf(join(new int[] {0x05, 0x01, 0x00}, UDP_TUN_NO_ADDRESS)));
        hop.writeInbound(bytes(SUCCESS_REPLY));

        hop.writeOutbound(new io.netty.channel.socket.DatagramPacket(
                io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'x'}), new InetSocketAddress("1.1.1.1", 53)));

        assertThat(outbound(hop)).containsExactly(0x00, 0x01, 0xFF, 0x01, 1, 1, 1, 1, 0x00, 0x35, 'x');
    }

    @Test
    void aServerThatRefusesUdpTunIsHopRejectedNamingTheCommand() {
        Future<Channel> result = connector(Optional.empty()).connect(hop, "udp", TARGET, Duration.ofSeconds(3));
        hop.writeInbound(bytes(0x05, 0x00));

        hop.writeInbound(bytes(0x05, 0x07, 0x00, 0x01, 0, 0, 0, 0, 0, 0));

        RouteException failure = failure(result);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(failure.getMessage()).isEqualTo(
                "socks5 hop 127.0.0.1:1080 answered UDP-TUN 127.0.0.1:80 with 0x07 command not supported");
    }

    // ---- binds ----

    private static final io.gost.api.datagram.DatagramSessions.Options SESSIONS =
            new io.gost.api.datagram.DatagramSessions.Options(Duration.ofSeconds(5), 65535, 16, 16, 16, true);

    @Test
    void aStandardBindHandsTheConnectionOverAfterTheSecondReplyNamingThePeer() {
        List<Channel> accepted = new java.util.ArrayList<>();
        Future<io.gost.api.Binding> bound = ((io.gost.api.Binder) connector(Optional.empty())).bind(hop,
                io.gost.api.BindRequest.singleTcp(new InetSocketAddress("0.0.0.0", 0)), accepted::add,
                Duration.ofSeconds(3));
        hop.writeInbound(bytes(0x05, 0x00));
        assertThat(outbound(hop)).containsExactly(0x05, 0x01, 0x00, 0x05, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00);

        hop.writeInbound(bytes(0x05, 0x00, 0x00, 0x01, 10, 0, 0, 1, 0x1F, 0x90));
        assertThat(bound.isSuccess()).isTrue();
        assertThat(bound.getNow().boundAddress()).isEqualTo(new InetSocketAddress("10.0.0.1", 8080));
        assertThat(accepted).isEmpty();

        byte[] early = "hello".getBytes(StandardCharsets.US_ASCII);
        hop.writeInbound(join(new int[] {0x05, 0x00, 0x00, 0x01, 10, 0, 0, 2, 0x30, 0x39}, early));

        assertThat(accepted).containsExactly(hop);
        assertThat(hop.attr(io.gost.api.Binding.PEER_ADDRESS).get()).isEqualTo(new InetSocketAddress("10.0.0.2", 12345));
        assertThat(bound.getNow().closeFuture().isSuccess()).isTrue();
        hop.read();
        hop.runPendingTasks();
        assertThat(inbound(hop)).as("the peer's first bytes, kept for the first read").isEqualTo(early);
    }

    @Test
    void aRefusedBindIsHopRejectedNamingTheCode() {
        Future<io.gost.api.Binding> bound = ((io.gost.api.Binder) connector(Optional.empty())).bind(hop,
                io.gost.api.BindRequest.singleTcp(new InetSocketAddress("0.0.0.0", 0)), channel -> { },
                Duration.ofSeconds(3));
        hop.writeInbound(bytes(0x05, 0x00));

        hop.writeInbound(bytes(0x05, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0));

        assertThat(bound.cause()).isInstanceOf(RouteException.class);
        assertThat(((RouteException) bound.cause()).reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(bound.cause().getMessage()).isEqualTo("socks5 hop 127.0.0.1:1080 answered BIND 0.0.0.0:0 with"
                + " 0x02 connection not allowed by ruleset");
    }

    @Test
    void aUdpBindAsksForUdpTunOnThePortAndSortsDatagramsIntoASessionPerPeer() {
        List<Channel> sessions = new java.util.ArrayList<>();
        Future<io.gost.api.Binding> bound = ((io.gost.api.Binder) connector(Optional.empty())).bind(hop,
                io.gost.api.BindRequest.udp(new InetSocketAddress("0.0.0.0", 5353), SESSIONS), sessions::add,
                Duration.ofSeconds(3));
        hop.writeInbound(bytes(0x05, 0x00));
        assertThat(outbound(hop)).containsExactly(0x05, 0x01, 0x00, 0x05, 0xF3, 0x00, 0x01, 0, 0, 0, 0, 0x14, 0xE9);
        hop.writeInbound(bytes(0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0x14, 0xE9));
        assertThat(bound.isSuccess()).isTrue();

        hop.writeInbound(bytes(0x00, 0x01, 0xFF, 0x01, 7, 7, 7, 7, 0x00, 0x07, 'a'));
        hop.writeInbound(bytes(0x00, 0x01, 0xFF, 0x01, 8, 8, 8, 8, 0x00, 0x08, 'b'));
        hop.writeInbound(bytes(0x00, 0x01, 0xFF, 0x01, 7, 7, 7, 7, 0x00, 0x07, 'c'));

        assertThat(sessions).extracting(Channel::remoteAddress).containsExactly(
                new InetSocketAddress("7.7.7.7", 7), new InetSocketAddress("8.8.8.8", 8));
        sessions.get(0).writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'z'}));
        assertThat(outbound(hop)).containsExactly(0x00, 0x01, 0xFF, 0x01, 7, 7, 7, 7, 0x00, 0x07, 'z');
        hop.close();
        assertThat(bound.getNow().closeFuture().cause()).hasMessage("the connection to socks5 hop 127.0.0.1:1080 closed");
        assertThat(sessions).allSatisfy(session -> assertThat(session.isOpen()).isFalse());
    }

    @Test
    void aUdpBindOnPortZeroIsRefusedBecauseItMeansForwardingToTheServer() {
        Future<io.gost.api.Binding> bound = ((io.gost.api.Binder) connector(Optional.empty())).bind(hop,
                io.gost.api.BindRequest.udp(new InetSocketAddress("0.0.0.0", 0), SESSIONS), channel -> { },
                Duration.ofSeconds(3));

        assertThat(bound.cause()).hasMessageContaining("cannot ask socks5 hop 127.0.0.1:1080 to listen on udp port 0");
        assertThat(outbound(hop)).isEmpty();
    }

    @Test
    void credentialsLongerThan255BytesAreRejectedWhenTheConnectorIsCreated() {
        assertThatThrownBy(() -> connector(Optional.of(new Credentials("u".repeat(256), "pass"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("username is 256 bytes");
    }
}
