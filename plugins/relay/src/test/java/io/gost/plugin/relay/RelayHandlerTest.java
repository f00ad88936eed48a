package io.gost.plugin.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.RouteException;
import io.gost.testkit.Bytes;
import io.gost.testkit.PendingRouter;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestPluginContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The relay handler against requests written byte by byte from go-gost/relay's format. */
@ExtendWith(LeakDetection.class)
class RelayHandlerTest {

    /** CONNECT example.com:80, no features but the address. */
    static final String CONNECT_EXAMPLE = "01010012" + "02000f" + "030b" + "6578616d706c652e636f6d" + "0050";
    /** CONNECT example.com:80 as user "u" with password "p". */
    static final String CONNECT_EXAMPLE_AS_U_P = "01010019" + "010004" + "01750170" + "02000f" + "030b"
            + "6578616d706c652e636f6d" + "0050";

    private EmbeddedChannel client;
    private EmbeddedChannel upstream;
    private PendingRouter router;
    private TestHandlerContext context;

    @AfterEach
    void tearDown() {
        release();
    }

    private void release() {
        if (client != null) {
            client.finishAndReleaseAll();
        }
        if (upstream != null) {
            upstream.finishAndReleaseAll();
        }
    }

    private void start(Metadata metadata, TestPluginContext plugin, Promise<Channel> forwarded) {
        start(metadata, plugin, forwarded, false);
    }

    private void start(Metadata metadata, TestPluginContext plugin, Promise<Channel> forwarded, boolean chained) {
        release();
        client = new EmbeddedChannel();
        client.freezeTime();
        client.config().setAutoRead(false);
        router = new PendingRouter(client.eventLoop());
        TestHandlerContext.Builder builder = TestHandlerContext.builder().client(client).router(router)
                .routesThroughChain(chained);
        if (forwarded != null) {
            builder.forwarder(() -> forwarded);
        }
        context = builder.build();
        new RelayHandlerFactory().create(metadata, plugin).handle(client, context);
    }

    private void start(Metadata metadata) {
        start(metadata, TestPluginContext.authenticating("relay-test", Optional.empty()), null);
    }

    private void send(String hex) {
        client.writeInbound(Bytes.hex(hex));
        client.runPendingTasks();
    }

    private String answer() {
        StringBuilder all = new StringBuilder();
        for (Object message; (message = client.readOutbound()) != null; ) {
            all.append(Bytes.hexAndRelease((ByteBuf) message));
        }
        return all.toString();
    }

    private void dialSucceeds() {
        upstream = new EmbeddedChannel();
        router.dials().get(0).result().setSuccess(upstream);
        client.runPendingTasks();
    }

    @Test
    void connectWithNodelayAnswersOkAtOnceAndRelays() {
        start(Metadata.of("nodelay", "true"));
        send(CONNECT_EXAMPLE);
        assertThat(router.dials()).extracting(PendingRouter.Dial::target)
                .containsExactly(InetSocketAddress.createUnresolved("example.com", 80));
        dialSucceeds();
        assertThat(answer()).isEqualTo("01000000");
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
    }

    @Test
    void connectWithoutNodelayGluesTheAnswerToTheTargetsFirstBytes() {
        start(Metadata.empty());
        send(CONNECT_EXAMPLE);
        dialSucceeds();
        assertThat(answer()).as("GOST's delayed answer").isEmpty();
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
        // What the relay writes first: the target's greeting, in one buffer with the answer.
        client.writeAndFlush(Bytes.ascii("220"));
        Object first = client.readOutbound();
        assertThat(Bytes.hexAndRelease((ByteBuf) first)).isEqualTo("01000000" + "323230");
        assertThat((Object) client.readOutbound()).isNull();
        client.writeAndFlush(Bytes.ascii("x"));
        assertThat(answer()).as("only once").isEqualTo("78");
    }

    @Test
    void bytesSentBehindTheRequestGoUpstreamFirst() {
        start(Metadata.of("nodelay", "true"));
        send(CONNECT_EXAMPLE + "474554");
        dialSucceeds();
        assertThat(Bytes.asciiAndRelease(upstream.readOutbound())).isEqualTo("GET");
    }

    @Test
    void credentialsAreCheckedAndWrongOrMissingOnesAnswered2() {
        start(Metadata.of("nodelay", "true"), TestPluginContext.acceptingUser("relay-test", "u", "p"), null);
        send(CONNECT_EXAMPLE_AS_U_P);
        assertThat(router.dials()).hasSize(1);

        start(Metadata.empty(), TestPluginContext.acceptingUser("relay-test", "u", "other"), null);
        send(CONNECT_EXAMPLE_AS_U_P);
        assertThat(answer()).isEqualTo("01020000");
        assertThat(client.isOpen()).isFalse();
        assertThat(router.dials()).isEmpty();

        start(Metadata.empty(), TestPluginContext.acceptingUser("relay-test", "u", "p"), null);
        send(CONNECT_EXAMPLE);
        assertThat(answer()).isEqualTo("01020000");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void unreadableRequestsCloseWithoutAnAnswerAsGostDoes() {
        for (String request : new String[] {
            "02010000",                               // version 2
            "01010003" + "090000",                    // unknown feature type 9
            "01010005" + "020007" + "017f",           // address feature shorter than announced
            "01010004" + "02000107",                  // address feature too short to hold one
            "0101000a" + "020007" + "097f0000011f90"  // unknown address type 9
        }) {
            start(Metadata.empty());
            send(request);
            assertThat(answer()).as(request).isEmpty();
            assertThat(client.isOpen()).as(request).isFalse();
            assertThat(router.dials()).as(request).isEmpty();
        }
    }

    @Test
    void requestsItCannotServeAreAnsweredWithTheirStatus() {
        String[][] cases = {
            {"01010000", "01010000"},                                                  // CONNECT, no address: 1
            {"01020000", "01030000"},                                                  // BIND without bind: 3
            {"01820000", "01030000"},                                                  // BIND udp without bind: 3
            {"01030000", "01010000"},                                                  // ASSOCIATE: 1
            {"01010005" + "0400020010", "01050000"},                                   // CONNECT over unix: 5
        };
        for (String[] c : cases) {
            start(Metadata.empty());
            send(c[0]);
            assertThat(answer()).as(c[0]).isEqualTo(c[1]);
            assertThat(client.isOpen()).as(c[0]).isFalse();
            assertThat(router.dials()).as(c[0]).isEmpty();
        }
    }

    @Test
    void connectOverUdpDialsTheTargetOverUdpByTheFlagOrTheNetworkFeature() {
        for (String request : new String[] {
            "01810012" + CONNECT_EXAMPLE.substring(8),                 // the (deprecated) UDP flag
            "01010017" + "0400020001" + CONNECT_EXAMPLE.substring(8),  // the network feature
        }) {
            start(Metadata.of("nodelay", "true"));
            send(request);
            assertThat(router.dials()).as(request).extracting(PendingRouter.Dial::network).containsExactly("udp");
            assertThat(router.dials()).as(request).extracting(PendingRouter.Dial::target)
                    .containsExactly(InetSocketAddress.createUnresolved("example.com", 80));
        }
    }

    @Test
    void bindsThatCannotBeServedAreAnsweredWithTheirStatus() {
        // BIND tcp on example.com:80: a name is not an address to listen on: 1.
        start(Metadata.of("bind", "true"));
        send("01020012" + CONNECT_EXAMPLE.substring(8));
        assertThat(answer()).isEqualTo("01010000");
        assertThat(client.isOpen()).isFalse();
        // BIND over unix: 1.
        start(Metadata.of("bind", "true"));
        send("01020005" + "0400020010");
        assertThat(answer()).isEqualTo("01010000");
        // A port on a service with a chain would open here, around the chain: 5.
        start(Metadata.of("bind", "true"), TestPluginContext.authenticating("relay-test", Optional.empty()), null,
                true);
        send("0102000f" + "0400020000" + "020007" + "0100000000" + "08ae");
        assertThat(answer()).isEqualTo("01050000");
        assertThat(client.isOpen()).isFalse();
        assertThat(context.clientSideSockets()).as("nothing opened here").isZero();
    }

    @Test
    void aUdpBufferSizeOutsideWhatADatagramCanHoldIsRefusedNamingTheKeyAsWritten() {
        TestPluginContext plugin = TestPluginContext.authenticating("relay-test", Optional.empty());
        assertThatThrownBy(() -> new RelayHandlerFactory().create(Metadata.of("udpBufferSize", "100"), plugin))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("udpBufferSize")
                .hasMessageContaining("512..65536");
        assertThatThrownBy(() -> new RelayHandlerFactory().create(Metadata.of("udp.bufferSize", "70000"), plugin))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("udp.bufferSize");
        assertThat(new RelayHandlerFactory().create(Metadata.of("udp.bufferSize", "4096", "bind", "true"), plugin))
                .hasToString("RelayHandler[relay-test, readTimeout=15000ms, nodelay=false, bind=true, udpBufferSize=4096, "
                        + io.gost.plugin.mux.smux.SmuxConfig.DEFAULT.describe() + "]");
    }

    @Test
    void failedDialsAnswer7AndForbiddenTargets3() {
        start(Metadata.empty());
        send(CONNECT_EXAMPLE);
        router.dials().get(0).result().setFailure(new RouteException(RouteException.Reason.REFUSED, "refused"));
        client.runPendingTasks();
        assertThat(answer()).isEqualTo("01070000");
        assertThat(client.isOpen()).isFalse();

        start(Metadata.empty());
        send(CONNECT_EXAMPLE);
        router.dials().get(0).result().setFailure(new RouteException(RouteException.Reason.NOT_ALLOWED, "bypass"));
        client.runPendingTasks();
        assertThat(answer()).isEqualTo("01030000");
    }

    @Test
    void forwarderModeIgnoresCommandAndAddressAndAnswers6WhenTheNodeFails() {
        EmbeddedChannel loop = new EmbeddedChannel();
        Promise<Channel> forwarded = loop.eventLoop().newPromise();
        start(Metadata.of("nodelay", "true"), TestPluginContext.authenticating("relay-test", Optional.empty()),
                forwarded);
        send("01020000"); // even a BIND without an address: the forwarder decides
        assertThat(router.dials()).isEmpty();
        forwarded.setFailure(new RouteException(RouteException.Reason.REFUSED, "node down"));
        client.runPendingTasks();
        assertThat(answer()).isEqualTo("01060000");
        loop.finishAndReleaseAll();
    }

    @Test
    void clientThatSendsNoCompleteRequestWithinReadTimeoutIsClosed() {
        start(Metadata.of("readTimeout", "2s"));
        send("0101");
        client.advanceTimeBy(1, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isTrue();
        client.advanceTimeBy(1, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isFalse();
        assertThat(answer()).isEmpty();
    }

    @Test
    void requestEncodingMatchesTheFormat() {
        ByteBuf ipv4 = RelayProtocol.connectRequest(UnpooledByteBufAllocator.DEFAULT,
                new InetSocketAddress("127.0.0.1", 8080), null, null);
        assertThat(Bytes.hexAndRelease(ipv4)).isEqualTo("0101000a" + "020007" + "017f000001" + "1f90");
        ByteBuf ipv6 = RelayProtocol.connectRequest(UnpooledByteBufAllocator.DEFAULT,
                InetSocketAddress.createUnresolved("::1", 443), null, null);
        assertThat(Bytes.hexAndRelease(ipv6)).isEqualTo("01010016" + "020013" + "04" + "0".repeat(30) + "01"
                + "01bb");
        ByteBuf named = RelayProtocol.connectRequest(UnpooledByteBufAllocator.DEFAULT,
                InetSocketAddress.createUnresolved("example.com", 80), "u", "p");
        assertThat(Bytes.hexAndRelease(named)).isEqualTo(CONNECT_EXAMPLE_AS_U_P);
    }
}
