package io.gost.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.RouteException;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The double records what a handler asked of it, and what it did against the context's contract. */
class TestHandlerContextTest {

    private static final InetSocketAddress TARGET = InetSocketAddress.createUnresolved("example.com", 443);

    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final PendingRouter router = new PendingRouter(client.eventLoop());
    private final TestHandlerContext context = TestHandlerContext.builder().client(client).router(router).build();

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    @Test
    void aDialWaitsForTheTestAndIsRecorded() {
        Future<Channel> dial = context.router().dial("tcp", TARGET);

        assertThat(dial.isDone()).isFalse();
        assertThat(context.dialedTargets()).containsExactly(TARGET);
        assertThat(router.dials()).singleElement().satisfies(recorded -> {
            assertThat(recorded.network()).isEqualTo("tcp");
            assertThat(recorded.target()).isEqualTo(TARGET);
        });

        router.dials().get(0).result().setFailure(new RouteException(RouteException.Reason.REFUSED, "refused"));
        assertThat(dial.cause()).isInstanceOf(RouteException.class);
    }

    @Test
    void aSecondRelayIsABreachOfTheContract() throws Exception {
        context.relay(upstream);

        assertThat(context.contractBreaches()).isEmpty();
        assertThat(context.relayedUpstream().get(1, TimeUnit.SECONDS)).isSameAs(upstream);

        context.relay(upstream);
        assertThat(context.contractBreaches()).containsExactly("relay() called twice");
        assertThat(context.relayedUpstreams()).containsExactly(upstream, upstream);
    }

    @Test
    void countingBytesOffTheClientsEventLoopIsABreachOfTheContract() throws Exception {
        try (TestTransport transport = new TestTransport()) {
            Channel onALoop = transport.socketChannelFactory().newChannel();
            transport.ioGroup().register(onALoop).sync();
            TestHandlerContext onLoop = TestHandlerContext.builder().client(onALoop).build();

            onLoop.countBytes(3, 4);
            onALoop.eventLoop().submit(() -> onLoop.countBytes(1, 1)).sync();

            assertThat(onLoop.contractBreaches()).containsExactly("countBytes() called on "
                    + Thread.currentThread().getName() + ", not on the client's event loop");
            assertThat(onLoop.countedFromClient()).isEqualTo(4);
            onALoop.close().sync();
        }
    }

    @Test
    void routesThroughChainIsWhatTheTestSays() {
        assertThat(context.routesThroughChain()).isFalse();
        assertThat(TestHandlerContext.builder().routesThroughChain(true).build().routesThroughChain()).isTrue();
    }
}
