package io.gost.plugin.tcp.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Forwarder;
import io.gost.api.Handler;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RelayResult;
import io.gost.testkit.TestHandlerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handler's decisions, driven with embedded channels; {@link TcpForwardingTest} runs it on real sockets. */
class ForwardHandlerTest {

    private final Handler handler = new TcpHandlerFactory().create(Metadata.empty(), PluginContext.named("service-0"));
    private final ReadCounter reads = new ReadCounter();
    private final EmbeddedChannel client = newClient();
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final Promise<Channel> dial = client.eventLoop().newPromise();
    // The relay of these contexts only records the upstream; it never ends.
    private final TestHandlerContext context =
            TestHandlerContext.builder().client(client).forwarder(() -> dial).build();

    private EmbeddedChannel newClient() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(reads);
        return channel;
    }

    @AfterEach
    void releaseChannels() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
        assertThat(context.contractBreaches()).isEmpty();
    }

    /** Counts read requests on the client channel. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        private int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    @Test
    void readsNothingFromTheClientWhileTheUpstreamIsBeingDialed() {
        handler.handle(client, context);

        assertThat(reads.count).isZero();
        assertThat(client.isOpen()).isTrue();
        assertThat(context.relayedUpstream()).isNotDone();
    }

    @Test
    void relaysTheClientToTheUpstreamOnceItIsConnected() {
        handler.handle(client, context);

        dial.setSuccess(upstream);

        assertThat(context.relayedUpstream()).isCompletedWithValue(upstream);
    }

    @Test
    void closesAnUpstreamThatConnectsAfterTheClientLeft() {
        handler.handle(client, context);
        client.close();

        dial.setSuccess(upstream);

        assertThat(upstream.isOpen()).as("upstream open").isFalse();
        assertThat(context.relayedUpstream()).isNotDone();
    }

    @Test
    void closesTheClientWhenTheDialFails() {
        handler.handle(client, context);

        dial.setFailure(new java.net.ConnectException("Connection refused: /127.0.0.1:9"));

        assertThat(client.isOpen()).as("client open").isFalse();
        assertThat(context.relayedUpstream()).isNotDone();
    }

    @Test
    void closesTheClientWhenTheForwarderCannotStartADial() {
        Forwarder broken = () -> {
            throw new IllegalStateException("no nodes left");
        };
        TestHandlerContext brokenContext = TestHandlerContext.builder().client(client).forwarder(broken).build();

        handler.handle(client, brokenContext);

        assertThat(client.isOpen()).as("client open").isFalse();
    }

    @Test
    void closesTheClientWhenTheServiceHasNoForwarder() {
        TestHandlerContext noForwarder = TestHandlerContext.builder().client(client).build();

        handler.handle(client, noForwarder);

        assertThat(client.isOpen()).as("client open").isFalse();
        assertThat(reads.count).isZero();
    }

    @Test
    void doesNotWaitForTheRelayToFinish() {
        Future<RelayResult> neverEnding = ImmediateEventExecutor.INSTANCE.newPromise();
        TestHandlerContext slowRelay = TestHandlerContext.builder().client(client).forwarder(() -> dial)
                .relay((clientChannel, upstreamChannel) -> neverEnding).build();
        handler.handle(client, slowRelay);

        dial.setSuccess(upstream);

        assertThat(client.isOpen()).isTrue();
        assertThat(upstream.isOpen()).isTrue();
    }
}
