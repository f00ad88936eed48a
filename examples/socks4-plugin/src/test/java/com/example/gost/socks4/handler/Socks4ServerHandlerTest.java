package com.example.gost.socks4.handler;

import static io.gost.testkit.Bytes.ascii;
import static io.gost.testkit.Bytes.asciiAndRelease;
import static io.gost.testkit.Bytes.concat;
import static io.gost.testkit.Bytes.hex;
import static io.gost.testkit.Bytes.hexAndRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Authenticator;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.testkit.PendingRouter;
import io.gost.testkit.TestHandlerContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Socks4ServerHandlerTest {

    private static final String GRANTED = "005a000000000000";
    private static final String REJECTED = "005b000000000000";
    private static final String USERID_REJECTED = "005d000000000000";

    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final PendingRouter router = new PendingRouter(client.eventLoop());
    private final TestHandlerContext context = TestHandlerContext.builder().client(client).router(router).build();

    @AfterEach
    void releaseEverything() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    private void handle(Metadata metadata, PluginContext pluginContext) {
        client.config().setAutoRead(false);
        new Socks4HandlerFactory().create(metadata, pluginContext).handle(client, context);
    }

    private void handle() {
        handle(Metadata.empty(), PluginContext.named("service-0"));
    }

    private static PluginContext acceptingUser(String user) {
        Authenticator authenticator = (username, password) -> username.equals(user) && password.isEmpty();
        return new PluginContext() {
            @Override
            public String ownerName() {
                return "service-0";
            }

            @Override
            public Optional<Authenticator> authenticator() {
                return Optional.of(authenticator);
            }
        };
    }

    private static ByteBuf connect(String hexPortAndIp, String userId) {
        return concat(hex("04 01" + hexPortAndIp), ascii(userId), hex("00"));
    }

    @Test
    void connectIsDialedThroughTheRouterAnsweredGrantedAndRelayed() {
        handle();
        client.writeInbound(connect("0050 7f000001", "alice"));

        assertThat(router.dials()).singleElement().satisfies(dial -> {
            assertThat(dial.network()).isEqualTo("tcp");
            assertThat(dial.target()).isEqualTo(new InetSocketAddress("127.0.0.1", 80));
        });
        assertThat((Object) client.readOutbound()).as("no answer before the dial completes").isNull();

        router.dials().get(0).result().setSuccess(upstream);

        assertThat(hexAndRelease(client.readOutbound())).isEqualTo(GRANTED);
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
        assertThat(client.isOpen()).isTrue();
        assertThat(client.pipeline().names()).as("the relay gets a clean pipeline")
                .doesNotContain(Socks4Handler.REQUEST_DECODER, Socks4Handler.SERVER_HANDLER);
    }

    @Test
    void socks4aHostNameIsDialedUnresolvedSoTheRouterResolvesIt() {
        handle();
        client.writeInbound(concat(hex("04 01 01bb 00000001"), ascii("alice"), hex("00"), ascii("example.com"), hex("00")));

        assertThat(router.dials()).singleElement()
                .satisfies(dial -> assertThat(dial.target()).isEqualTo(InetSocketAddress.createUnresolved("example.com", 443)));
    }

    @Test
    void targetThatCannotBeReachedIsAnsweredRejectedAndTheClientClosed() {
        handle();
        client.writeInbound(connect("0050 7f000001", ""));

        router.dials().get(0).result().setFailure(new RouteException(RouteException.Reason.REFUSED,
                "connection refused by 127.0.0.1:80"));

        assertThat(hexAndRelease(client.readOutbound())).isEqualTo(REJECTED);
        assertThat(client.isOpen()).isFalse();
        assertThat(context.relayedUpstreams()).isEmpty();
    }

    @Test
    void bindIsAnsweredRejectedWithoutDialing() {
        handle();
        client.writeInbound(concat(hex("04 02 0015 c6120001"), hex("00")));

        assertThat(hexAndRelease(client.readOutbound())).isEqualTo(REJECTED);
        assertThat(client.isOpen()).isFalse();
        assertThat(router.dials()).isEmpty();
    }

    @Test
    void userIdTheAuthenticatorRefusesIsAnswered5D() {
        handle(Metadata.empty(), acceptingUser("alice"));
        client.writeInbound(connect("0050 7f000001", "mallory"));

        assertThat(hexAndRelease(client.readOutbound())).isEqualTo(USERID_REJECTED);
        assertThat(client.isOpen()).isFalse();
        assertThat(router.dials()).isEmpty();
    }

    @Test
    void userIdTheAuthenticatorAcceptsIsDialed() {
        handle(Metadata.empty(), acceptingUser("alice"));
        client.writeInbound(connect("0050 7f000001", "alice"));

        assertThat(router.dials()).hasSize(1);
    }

    @Test
    void bytesTheClientSentBehindTheRequestReachTheUpstreamFirst() {
        handle();
        client.writeInbound(concat(connect("0050 7f000001", ""), ascii("GET / HTTP/1.0\r\n\r\n")));

        router.dials().get(0).result().setSuccess(upstream);

        assertThat(hexAndRelease(client.readOutbound())).isEqualTo(GRANTED);
        assertThat(asciiAndRelease(upstream.readOutbound())).isEqualTo("GET / HTTP/1.0\r\n\r\n");
        assertThat(context.countedFromClient()).isEqualTo(18);
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
    }

    @Test
    void bytesThatArriveWhileTheDialRunsReachTheUpstreamToo() {
        handle();
        client.writeInbound(connect("0050 7f000001", ""));
        // Auto-read is off, but epoll reads what is buffered when the client half-closes.
        client.writeInbound(ascii("late"));

        router.dials().get(0).result().setSuccess(upstream);

        assertThat(hexAndRelease(client.readOutbound())).isEqualTo(GRANTED);
        assertThat(asciiAndRelease(upstream.readOutbound())).isEqualTo("late");
        assertThat(context.relayedUpstreams()).containsExactly(upstream);
    }

    @Test
    void clientThatEndsItsStreamBeforeACompleteRequestIsClosed() {
        handle();
        client.writeInbound(hex("04 01 0050"));

        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(client.isOpen()).isFalse();
        assertThat(router.dials()).isEmpty();
    }

    @Test
    void upstreamIsClosedWhenTheClientLeftDuringTheDial() {
        handle();
        client.writeInbound(connect("0050 7f000001", ""));
        client.close();

        router.dials().get(0).result().setSuccess(upstream);

        assertThat(upstream.isOpen()).isFalse();
        assertThat(context.relayedUpstreams()).isEmpty();
    }

    @Test
    void clientThatSendsNoCompleteRequestWithinReadTimeoutIsClosed() {
        client.freezeTime();
        handle(Metadata.of("readTimeout", "2s"), PluginContext.named("service-0"));
        client.writeInbound(hex("04 01 00"));

        client.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isTrue();

        client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isFalse();
        assertThat((Object) client.readOutbound()).isNull();
    }

    @Test
    void clientThatIsNotSocks4IsClosedWithoutAnAnswer() {
        handle();
        client.writeInbound(hex("05 01 00"));

        assertThat(client.isOpen()).isFalse();
        assertThat((Object) client.readOutbound()).isNull();
        assertThat(router.dials()).isEmpty();
    }
}
