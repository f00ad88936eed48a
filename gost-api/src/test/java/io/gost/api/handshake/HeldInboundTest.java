package io.gost.api.handshake;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HeldInboundTest {

    private final AtomicInteger socketReads = new AtomicInteger();
    private final List<ByteBuf> created = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final HeldInbound held = new HeldInbound();
    private final HandshakeConnectorTest.Collector reader = new HandshakeConnectorTest.Collector();

    @BeforeEach
    void setUp() {
        channel.config().setAutoRead(false);
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                socketReads.incrementAndGet();
                ctx.read();
            }
        });
        channel.pipeline().addLast(held);
    }

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
        assertThat(created).allMatch(buffer -> buffer.refCnt() == 0);
    }

    @Test
    void holdsUntilTheFirstReadThenDeliversInOrderWithoutReadingTheSocketAndStepsAside() {
        channel.writeInbound(text("one "), text("two"));
        channel.pipeline().addLast(reader);
        assertThat(reader.text).isEmpty();

        channel.read();
        channel.runPendingTasks();

        assertThat(reader.text).hasToString("one two");
        assertThat(socketReads).hasValue(0);
        assertThat(channel.pipeline().get(HeldInbound.class)).isNull();
    }

    @Test
    void theEndOfStreamIsDeliveredAfterTheBytes() {
        channel.writeInbound(text("last"));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.pipeline().addLast(reader);

        channel.read();
        channel.runPendingTasks();

        assertThat(reader.text).hasToString("last");
        assertThat(reader.events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
        assertThat(reader.eventAfterBytes).isTrue();
        assertThat(socketReads).as("no read of a stream that has ended").hasValue(0);
    }

    @Test
    void aReadTheReaderAsksForWhileTheHeldBytesArriveIsPassedOnAfterThem() {
        channel.writeInbound(text("held"));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                ctx.read();
            }
        });

        channel.read();
        channel.runPendingTasks();

        assertThat(socketReads).hasValue(1);
    }

    @Test
    void holdingNothingItStepsAsideAtTheFirstReadAndPassesTheReadOn() {
        channel.read();

        assertThat(socketReads).hasValue(1);
        assertThat(channel.pipeline().get(HeldInbound.class)).isNull();
    }

    @Test
    void drainTakesTheBytesOutAndKeepsHolding() {
        ByteBuf first = text("first");
        channel.writeInbound(first);

        List<ByteBuf> drained = held.drain();
        channel.writeInbound(text("second"));

        assertThat(drained).containsExactly(first);
        drained.forEach(ByteBuf::release);
        assertThat(held.isEmpty()).isFalse();
    }

    @Test
    void whatIsStillHeldIsReleasedWhenTheChannelCloses() {
        channel.writeInbound(text("never read"));

        channel.close();

        assertThat(created).allMatch(buffer -> buffer.refCnt() == 0);
    }

    private ByteBuf text(String text) {
        ByteBuf buffer = Unpooled.copiedBuffer(text, US_ASCII);
        created.add(buffer);
        return buffer;
    }
}
