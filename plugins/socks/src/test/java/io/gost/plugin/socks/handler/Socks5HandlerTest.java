package io.gost.plugin.socks.handler;

import static io.gost.plugin.socks.testing.Embedded.array;
import static io.gost.plugin.socks.testing.Embedded.bytes;
import static io.gost.plugin.socks.testing.Embedded.join;
import static io.gost.plugin.socks.testing.Embedded.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.plugin.socks.LeakDetection;
import io.gost.plugin.socks.testing.Embedded;
import io.gost.plugin.socks.testing.ScriptedRouter;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestPluginContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SOCKS5 server on an EmbeddedChannel: every RFC 1928/1929 answer it gives and every way a client can
 * get the handshake wrong.
 */
@ExtendWith(LeakDetection.class)
class Socks5HandlerTest {

    private static final int[] GREETING_NO_AUTH = {0x05, 0x01, 0x00};
    private static final int[] CONNECT_127_0_0_1_80 = {0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x00, 0x50};
    /** Reply with BND 0.0.0.0:0, as sent for every error. */
    private static final int[] ERROR_REPLY_ADDRESS = {0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00};

    private final ScriptedRouter router = new ScriptedRouter();
    private EmbeddedChannel client;
    private TestHandlerContext context;

    @AfterEach
    void releaseEverything() {
        if (client != null) {
            client.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel start(Metadata metadata, PluginContext pluginContext) {
        client = Embedded.client();
        context = TestHandlerContext.builder().client(client).router(router).build();
        new Socks5HandlerFactory().create(metadata, pluginContext).handle(client, context);
        return client;
    }

    private EmbeddedChannel startWithoutAuth() {
        return start(Metadata.empty(), PluginContext.named("test"));
    }

    private EmbeddedChannel startWithUser(String username, String password) {
        return start(Metadata.empty(), TestPluginContext.acceptingUser("test", username, password));
    }

    /** Greets without auth and sends {@code request}; returns what the server wrote after the method reply. */
    private byte[] commandReply(int... request) {
        startWithoutAuth();
        client.writeInbound(bytes(GREETING_NO_AUTH));
        assertThat(outbound(client)).containsExactly(0x05, 0x00);
        client.writeInbound(bytes(request));
        return outbound(client);
    }

    private static byte[] concat(int[] head, int[] tail) {
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(array(head), 0, all, 0, head.length);
        System.arraycopy(array(tail), 0, all, head.length, tail.length);
        return all;
    }

    // ---- method selection ----

    @Test
    void withoutAuthenticatorSelectsNoAuth() {
        startWithoutAuth();

        client.writeInbound(bytes(GREETING_NO_AUTH));

        assertThat(outbound(client)).containsExactly(0x05, 0x00);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void withoutAuthenticatorAClientOfferingOnlyUsernamePasswordGets0xFFAndIsClosed() {
        startWithoutAuth();

        client.writeInbound(bytes(0x05, 0x01, 0x02));

        assertThat(outbound(client)).containsExactly(0x05, 0xFF);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void withAuthenticatorAClientOfferingOnlyNoAuthGets0xFFAndIsClosed() {
        startWithUser("user", "pass");

        client.writeInbound(bytes(GREETING_NO_AUTH));

        assertThat(outbound(client)).containsExactly(0x05, 0xFF);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void withAuthenticatorSelectsUsernamePasswordEvenWhenNoAuthIsOfferedToo() {
        startWithUser("user", "pass");

        client.writeInbound(bytes(0x05, 0x02, 0x00, 0x02));

        assertThat(outbound(client)).containsExactly(0x05, 0x02);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aGreetingSplitAcrossReadsIsAnsweredOnceComplete() {
        startWithoutAuth();

        client.writeInbound(bytes(0x05, 0x02, 0x01));
        assertThat(outbound(client)).isEmpty();
        client.writeInbound(bytes(0x00));

        assertThat(outbound(client)).containsExactly(0x05, 0x00);
    }

    // ---- username/password ----

    @Test
    void rightCredentialsAreAnsweredWithStatus0AndTheCommandFollows() {
        startWithUser("user", "pass");
        client.writeInbound(bytes(0x05, 0x01, 0x02));
        outbound(client);

        client.writeInbound(join(0x01, 4, "user".getBytes(StandardCharsets.US_ASCII), 4,
                "pass".getBytes(StandardCharsets.US_ASCII)));
        assertThat(outbound(client)).containsExactly(0x01, 0x00);
        client.writeInbound(bytes(CONNECT_127_0_0_1_80));

        assertThat(router.targets()).containsExactly(new InetSocketAddress("127.0.0.1", 80));
    }

    @Test
    void wrongCredentialsAreAnsweredWithStatus1AndClosed() {
        startWithUser("user", "pass");
        client.writeInbound(bytes(0x05, 0x01, 0x02));
        outbound(client);

        client.writeInbound(join(0x01, 4, "user".getBytes(StandardCharsets.US_ASCII), 5,
                "wrong".getBytes(StandardCharsets.US_ASCII)));

        assertThat(outbound(client)).containsExactly(0x01, 0x01);
        assertThat(client.isOpen()).isFalse();
        assertThat(router.targets()).isEmpty();
    }

    @Test
    void credentialsAreReadAsUtf8() {
        startWithUser("jürgen", "pässwörd");
        client.writeInbound(bytes(0x05, 0x01, 0x02));
        outbound(client);
        byte[] username = "jürgen".getBytes(StandardCharsets.UTF_8);
        byte[] password = "pässwörd".getBytes(StandardCharsets.UTF_8);

        client.writeInbound(join(0x01, username.length, username, password.length, password));

        assertThat(outbound(client)).containsExactly(0x01, 0x00);
    }

    @Test
    void aWrongSubNegotiationVersionClosesWithoutAnswer() {
        startWithUser("user", "pass");
        client.writeInbound(bytes(0x05, 0x01, 0x02));
        outbound(client);

        client.writeInbound(join(0x05, 4, "user".getBytes(StandardCharsets.US_ASCII), 4,
                "pass".getBytes(StandardCharsets.US_ASCII)));

        assertThat(outbound(client)).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    // ---- malformed input ----

    @Test
    void aWrongVersionClosesWithoutAnswer() {
        startWithoutAuth();

        client.writeInbound(bytes(0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0x00));

        assertThat(outbound(client)).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void anHttpRequestClosesWithoutAnswer() {
        startWithoutAuth();

        client.writeInbound(join("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(outbound(client)).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aGreetingWithNoMethodsClosesWithoutAnswer() {
        startWithoutAuth();

        client.writeInbound(bytes(0x05, 0x00));

        assertThat(outbound(client)).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aWrongVersionInTheCommandRequestClosesWithoutAnswer() {
        byte[] reply = commandReply(0x04, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x00, 0x50);

        assertThat(reply).isEmpty();
        assertThat(client.isOpen()).isFalse();
        assertThat(router.targets()).isEmpty();
    }

    @Test
    void aClientThatHalfClosesMidHandshakeIsClosed() {
        startWithoutAuth();
        client.writeInbound(bytes(0x05, 0x01));

        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(client.isOpen()).isFalse();
    }

    // ---- handshake timeout ----

    @Test
    void anIncompleteHandshakeIsClosedAfterFifteenSeconds() {
        startWithoutAuth();
        client.writeInbound(bytes(0x05, 0x01));

        client.advanceTimeBy(14, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isTrue();
        client.advanceTimeBy(1, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();

        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void theHandshakeTimeoutComesFromReadTimeout() {
        start(Metadata.of("readTimeout", "2s"), PluginContext.named("test"));
        client.writeInbound(bytes(GREETING_NO_AUTH));
        outbound(client);

        client.advanceTimeBy(2, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();

        assertThat(client.isOpen()).isFalse();
        assertThat(router.targets()).isEmpty();
    }

    @Test
    void theHandshakeTimeoutDoesNotCutADialShort() {
        commandReply(CONNECT_127_0_0_1_80);

        client.advanceTimeBy(20, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();

        assertThat(client.isOpen()).isTrue();
    }

    // ---- CONNECT ----

    @Test
    void connectToAnIpv4AddressDialsItAndRepliesWithTheUpstreamLocalAddress() {
        assertThat(commandReply(CONNECT_127_0_0_1_80)).isEmpty();
        assertThat(router.targets()).containsExactly(new InetSocketAddress("127.0.0.1", 80));
        EmbeddedChannel upstream = Embedded.channel(new InetSocketAddress("127.0.0.1", 50_000),
                new InetSocketAddress("127.0.0.1", 80));

        router.lastDial().setSuccess(upstream);

        assertThat(outbound(client)).containsExactly(0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0xC3, 0x50);
        assertThat(context.relayedUpstream()).isCompletedWithValue(upstream);
        assertThat(client.pipeline().names()).noneMatch(name -> name.startsWith("socks"));
        assertThat(context.contractBreaches()).isEmpty();
        upstream.finishAndReleaseAll();
    }

    @Test
    void connectToADomainKeepsItUnresolved() {
        byte[] host = "example.com".getBytes(StandardCharsets.US_ASCII);
        startWithoutAuth();
        client.writeInbound(bytes(GREETING_NO_AUTH));
        outbound(client);

        client.writeInbound(join(new int[] {0x05, 0x01, 0x00, 0x03, host.length}, host, new int[] {0x01, 0xBB}));

        assertThat(router.targets()).hasSize(1);
        InetSocketAddress target = router.targets().get(0);
        assertThat(target.isUnresolved()).isTrue();
        assertThat(target.getHostString()).isEqualTo("example.com");
        assertThat(target.getPort()).isEqualTo(443);
    }

    @Test
    void connectToAnIpv6AddressDialsIt() throws Exception {
        commandReply(0x05, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x50);

        assertThat(router.targets()).containsExactly(new InetSocketAddress(InetAddress.getByName("::1"), 80));
    }

    @Test
    void anIpv6UpstreamIsRepliedAsIpv6() throws Exception {
        commandReply(CONNECT_127_0_0_1_80);
        EmbeddedChannel upstream = Embedded.channel(new InetSocketAddress(InetAddress.getByName("::1"), 8080),
                new InetSocketAddress("127.0.0.1", 80));

        router.lastDial().setSuccess(upstream);

        assertThat(outbound(client)).containsExactly(
                0x05, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1F, 0x90);
        upstream.finishAndReleaseAll();
    }

    @Test
    void bytesSentRightAfterTheRequestReachTheUpstreamBeforeTheRelayStarts() {
        startWithoutAuth();
        byte[] early = "early bytes".getBytes(StandardCharsets.US_ASCII);

        client.writeInbound(join(GREETING_NO_AUTH, CONNECT_127_0_0_1_80, early));
        EmbeddedChannel upstream = Embedded.channel(new InetSocketAddress("127.0.0.1", 50_000),
                new InetSocketAddress("127.0.0.1", 80));
        router.lastDial().setSuccess(upstream);

        assertThat(outbound(client)).startsWith(0x05, 0x00, 0x05, 0x00);
        assertThat(outbound(upstream)).isEqualTo(early);
        assertThat(context.countedFromClient()).isEqualTo(early.length);
        assertThat(context.relayedUpstream()).isCompletedWithValue(upstream);
        upstream.finishAndReleaseAll();
    }

    @Test
    void anUpstreamThatConnectsAfterTheClientLeftIsClosed() {
        commandReply(CONNECT_127_0_0_1_80);
        EmbeddedChannel upstream = Embedded.channel(new InetSocketAddress("127.0.0.1", 50_000),
                new InetSocketAddress("127.0.0.1", 80));

        client.close();
        router.lastDial().setSuccess(upstream);

        assertThat(upstream.isOpen()).isFalse();
        assertThat(context.relayedUpstream()).isNotDone();
    }

    static Stream<Arguments> routeFailures() {
        return Stream.of(
                Arguments.of("REFUSED is 0x05 connection refused",
                        new RouteException(RouteException.Reason.REFUSED, "refused",
                                new ConnectException("Connection refused")), 0x05),
                Arguments.of("TIMEOUT is 0x04 host unreachable",
                        new RouteException(RouteException.Reason.TIMEOUT, "timed out"), 0x04),
                Arguments.of("UNREACHABLE is 0x04 host unreachable",
                        new RouteException(RouteException.Reason.UNREACHABLE, "no such host"), 0x04),
                Arguments.of("UNREACHABLE network is 0x03 network unreachable",
                        new RouteException(RouteException.Reason.UNREACHABLE, "cannot reach 198.18.9.9:80",
                                new SocketException("Network is unreachable")), 0x03),
                Arguments.of("NOT_ALLOWED is 0x02 not allowed by ruleset",
                        new RouteException(RouteException.Reason.NOT_ALLOWED, "bypassed"), 0x02),
                Arguments.of("HOP_REJECTED is 0x01 general failure",
                        new RouteException(RouteException.Reason.HOP_REJECTED, "hop said no"), 0x01),
                Arguments.of("GENERAL is 0x01 general failure",
                        new RouteException(RouteException.Reason.GENERAL, "broken"), 0x01),
                Arguments.of("anything else is 0x01 general failure",
                        new IllegalStateException("bug"), 0x01));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeFailures")
    void aFailedDialIsAnsweredWithItsReplyCodeAndClosed(String name, Throwable failure, int code) {
        commandReply(CONNECT_127_0_0_1_80);

        router.lastDial().setFailure(failure);

        assertThat(outbound(client)).isEqualTo(concat(new int[] {0x05, code}, ERROR_REPLY_ADDRESS));
        assertThat(client.isOpen()).isFalse();
    }

    // ---- other commands ----

    @Test
    void anUnknownCommandIsAnsweredWith0x07AndClosed() {
        byte[] reply = commandReply(0x05, 0x09, 0x00, 0x01, 127, 0, 0, 1, 0x00, 0x50);

        assertThat(reply).isEqualTo(concat(new int[] {0x05, 0x07}, ERROR_REPLY_ADDRESS));
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void anUnknownAddressTypeIsAnsweredWith0x08AndClosed() {
        byte[] reply = commandReply(0x05, 0x01, 0x00, 0x05, 127, 0, 0, 1, 0x00, 0x50);

        assertThat(reply).isEqualTo(concat(new int[] {0x05, 0x08}, ERROR_REPLY_ADDRESS));
        assertThat(client.isOpen()).isFalse();
        assertThat(router.targets()).isEmpty();
    }

    @Test
    void bindIsRefusedWith0x02UnlessEnabled() {
        byte[] reply = commandReply(0x05, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00);

        assertThat(reply).isEqualTo(concat(new int[] {0x05, 0x02}, ERROR_REPLY_ADDRESS));
        assertThat(client.isOpen()).isFalse();
        assertThat(context.clientSideSockets()).isZero();
    }

    @Test
    void udpAssociateIsRefusedWith0x02UnlessEnabled() {
        byte[] reply = commandReply(0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00);

        assertThat(reply).isEqualTo(concat(new int[] {0x05, 0x02}, ERROR_REPLY_ADDRESS));
        assertThat(client.isOpen()).isFalse();
        assertThat(context.clientSideSockets()).isZero();
    }
}
