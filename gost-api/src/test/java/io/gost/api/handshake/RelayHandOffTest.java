package io.gost.api.handshake;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.gost.api.Transport;
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
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayHandOffTest {

    private final List<ByteBuf> created = new ArrayList<>();
    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final RecordingContext context = new RecordingContext();
    private final ChannelInboundHandlerAdapter decoder = new ChannelInboundHandlerAdapter();
    private final HeldInbound held = new HeldInbound();

    @BeforeEach
    void autoReadOff() {
        client.config().setAutoRead(false);
    }

    @AfterEach
    void releaseEverything() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
        assertThat(created).allMatch(buffer -> buffer.refCnt() == 0);
    }

    @Test
    void repliesThenWritesWhatTheClientSentAheadUpstreamThenRelaysWithoutTheHandshakeHandlers() {
        client.pipeline().addLast("decoder", decoder).addLast("held", held);
        client.writeInbound(text("early "), text("bytes"));

        RelayHandOff.between(client, upstream, context).holding(held).removing(decoder).replyThenRelay(text("OK"));

        assertThat(outbound(client)).isEqualTo("OK");
        assertThat(outbound(upstream)).isEqualTo("early bytes");
        assertThat(context.relayed).containsExactly(upstream);
        assertThat(context.fromClient).isEqualTo(11);
        assertThat(client.pipeline().names()).doesNotContain("decoder", "held");
    }

    @Test
    void bytesTheHandlerCountedAlreadyAreNotCountedAgain() {
        client.pipeline().addLast(held);
        client.writeInbound(text("counted"));

        RelayHandOff.between(client, upstream, context).holdingCounted(held).replyThenRelay(null);

        assertThat(outbound(upstream)).isEqualTo("counted");
        assertThat(context.fromClient).isZero();
        assertThat(context.relayed).containsExactly(upstream);
    }

    @Test
    void theRelayStartsOnlyOnceTheHeldBytesAreWrittenAndThenLearnsOfAnEarlierHalfClose() {
        List<ChannelPromise> pendingWrites = new ArrayList<>();
        upstream.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                pendingWrites.add(promise);
                ctx.write(msg, ctx.newPromise());
            }
        });
        client.pipeline().addLast(held);
        client.writeInbound(text("last words"));
        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        List<Object> relayEvents = new ArrayList<>();
        context.onRelay = () -> client.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                relayEvents.add(evt);
            }
        });

        RelayHandOff.between(client, upstream, context).holding(held).replyThenRelay(text("OK"));
        assertThat(context.relayed).as("not while the client's bytes are still being written").isEmpty();
        pendingWrites.forEach(ChannelPromise::setSuccess);

        assertThat(outbound(upstream)).isEqualTo("last words");
        assertThat(context.relayed).containsExactly(upstream);
        assertThat(relayEvents).containsExactly(ChannelInputShutdownEvent.INSTANCE);
    }

    @Test
    void aReplyThatCannotBeWrittenClosesBothConnections() {
        client.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
                promise.setFailure(new java.io.IOException("Broken pipe"));
            }
        });

        RelayHandOff.between(client, upstream, context).replyThenRelay(text("OK"));

        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
        assertThat(context.relayed).isEmpty();
    }

    @Test
    void aClientThatHasGoneGetsItsUpstreamClosedInsteadOfRelayed() {
        client.close();

        RelayHandOff.between(client, upstream, context).replyThenRelay(null);

        assertThat(upstream.isOpen()).isFalse();
        assertThat(context.relayed).isEmpty();
    }

    private ByteBuf text(String text) {
        ByteBuf buffer = Unpooled.copiedBuffer(text, US_ASCII);
        created.add(buffer);
        return buffer;
    }

    private static String outbound(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buffer = (ByteBuf) msg;
            text.append(buffer.toString(US_ASCII));
            buffer.release();
        }
        return text.toString();
    }

    /** Records what the hand-off asks of the runtime. */
    private static final class RecordingContext implements HandlerContext {
        final List<Channel> relayed = new ArrayList<>();
        long fromClient;
        Runnable onRelay = () -> { };

        @Override
        public Future<RelayResult> relay(Channel upstream) {
            relayed.add(upstream);
            onRelay.run();
            return upstream.eventLoop().newPromise();
        }

        @Override
        public void countBytes(long fromClient, long toClient) {
            this.fromClient += fromClient;
        }

        @Override
        public String serviceName() {
            return "service-0";
        }

        @Override
        public String sessionId() {
            return "1";
        }

        @Override
        public InetSocketAddress clientAddress() {
            return new InetSocketAddress("127.0.0.1", 40_000);
        }

        @Override
        public Transport transport() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Router router() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Forwarder> forwarder() {
            return Optional.empty();
        }

        @Override
        public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
            throw new UnsupportedOperationException();
        }
    }
}
