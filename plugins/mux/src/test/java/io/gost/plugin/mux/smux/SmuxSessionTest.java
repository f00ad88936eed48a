package io.gost.plugin.mux.smux;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.plugin.mux.LeakDetection;
import io.gost.testkit.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * smux framing and session rules against byte sequences written from the specification (xtaci/smux
 * {@code frame.go}, {@code session.go}, {@code stream.go} v1.5): little-endian headers
 * {@code VER CMD LEN(2) SID(4)}, client ids 3, 5 ..., server ids 2, 4 ..., NOP keepalive, v2 windows.
 */
@ExtendWith(LeakDetection.class)
class SmuxSessionTest {

    private final List<SmuxStream> accepted = new ArrayList<>();
    private EmbeddedChannel connection;

    @AfterEach
    void tearDown() {
        if (connection != null) {
            connection.finishAndReleaseAll();
        }
    }

    private SmuxSession start(SmuxConfig config, boolean client, int backlog) {
        connection = new EmbeddedChannel();
        connection.config().setAutoRead(false);
        SmuxSession session = SmuxSession.start(connection, config, client, "test", accepted::add, backlog);
        connection.runPendingTasks();
        return session;
    }

    private static SmuxConfig v1() {
        return SmuxConfig.DEFAULT.withKeepalive(true, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    private String written() {
        // Frames are flushed when the event loop's turn is over (a queued task).
        connection.runPendingTasks();
        StringBuilder all = new StringBuilder();
        for (Object message; (message = connection.readOutbound()) != null; ) {
            all.append(Bytes.hexAndRelease((ByteBuf) message));
        }
        return all.toString();
    }

    private void receive(String hex) {
        connection.writeInbound(Bytes.hex(hex));
        connection.runPendingTasks();
    }

    private static SmuxStream opened(Future<SmuxStream> future) {
        assertThat(future.isSuccess()).as("stream opened: %s", future.cause()).isTrue();
        return future.getNow();
    }

    /** Collects what a stream delivers. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        final StringBuilder text = new StringBuilder();
        int reads;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ByteBuf buffer = (ByteBuf) message;
            text.append(buffer.toString(StandardCharsets.US_ASCII));
            reads++;
            buffer.release();
        }
    }

    @Test
    void clientOpensOddStreamsFromThreeAndFramesDataAndFinLittleEndian() {
        SmuxSession session = start(v1(), true, 16);
        SmuxStream first = opened(session.openStream());
        connection.runPendingTasks();
        assertThat(written()).isEqualTo("0100000003000000");
        SmuxStream second = opened(session.openStream());
        assertThat(second.streamId()).isEqualTo(5);
        assertThat(written()).isEqualTo("0100000005000000");

        first.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        assertThat(written()).isEqualTo("0102050003000000" + "68656c6c6f");
        first.close();
        assertThat(written()).isEqualTo("0101000003000000");
        assertThat(session.streamCount()).isEqualTo(1);
    }

    @Test
    void framesThatManyStreamsWriteInOneTurnLeaveInOneFlush() {
        SmuxSession session = start(v1(), true, 16);
        List<SmuxStream> streams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            streams.add(opened(session.openStream()));
        }
        written();
        int[] flushes = {0};
        connection.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
            }
        });
        // One turn of the event loop in which ten relays each move a chunk: an event that passes the session's
        // handlers to one at the end of the pipeline (EmbeddedChannel runs queued tasks on every write made
        // outside such an event, which no real event loop does).
        int[] flushedDuringTheTurn = {-1};
        connection.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                for (SmuxStream stream : streams) {
                    stream.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
                }
                flushedDuringTheTurn[0] = flushes[0];
            }
        });
        connection.writeInbound("one turn");
        connection.runPendingTasks();
        assertThat(flushedDuringTheTurn[0]).as("nothing flushed before the turn is over").isZero();
        assertThat(flushes[0]).as("one system call for all ten frames").isEqualTo(1);
        assertThat(written()).hasSize(10 * 2 * (SmuxFrame.HEADER_SIZE + 1));
    }

    @Test
    void aReadHandsOnEverythingTheConnectionReadForTheStreamInOneBuffer() {
        start(v1(), false, 16);
        receive("0100000003000000");
        SmuxStream stream = accepted.get(0);
        Reader reader = new Reader();
        stream.pipeline().addLast(reader);
        stream.read();
        // Three frames for the stream in one read of the connection, while the stream's read is pending.
        receive("0102020003000000" + "6162" + "0102020003000000" + "6364" + "0102010003000000" + "65");
        assertThat(reader.text).hasToString("abcde");
        assertThat(reader.reads).as("one chunk for the relay to write, not one per frame").isEqualTo(1);
    }

    @Test
    void serverOpensEvenStreamsFromTwo() {
        SmuxSession session = start(v1(), false, 16);
        assertThat(opened(session.openStream()).streamId()).isEqualTo(2);
        assertThat(opened(session.openStream()).streamId()).isEqualTo(4);
        assertThat(written()).isEqualTo("0100000002000000" + "0100000004000000");
    }

    @Test
    void writesAreCutIntoFramesOfMaxFrameSize() {
        SmuxSession session = start(v1().withBuffers(4, 1024, 64), true, 16);
        SmuxStream stream = opened(session.openStream());
        written();
        stream.writeAndFlush(Unpooled.copiedBuffer("abcdefghij", StandardCharsets.US_ASCII));
        assertThat(written()).isEqualTo("0102040003000000" + "61626364"
                + "0102040003000000" + "65666768"
                + "0102020003000000" + "696a");
    }

    @Test
    void streamOpenedByThePeerIsAcceptedAndReadOnlyWhenAskedFor() {
        start(v1(), false, 16);
        receive("0100000003000000" + "0102030003000000" + "616263");
        assertThat(accepted).hasSize(1);
        SmuxStream stream = accepted.get(0);
        assertThat(stream.streamId()).isEqualTo(3);
        assertThat(stream.isActive()).isTrue();
        assertThat(stream.config().isAutoRead()).isFalse();
        Reader reader = new Reader();
        stream.pipeline().addLast(reader);
        assertThat(reader.text).isEmpty();
        stream.read();
        assertThat(reader.text).hasToString("abc");
        receive("0102020003000000" + "6465");
        assertThat(reader.text).as("no read asked for").hasToString("abc");
        stream.read();
        assertThat(reader.text).hasToString("abcde");
    }

    @Test
    void finFromThePeerEndsTheStreamAfterWhatCameBeforeIt() {
        start(v1(), false, 16);
        receive("0100000003000000" + "0102020003000000" + "6869" + "0101000003000000");
        SmuxStream stream = accepted.get(0);
        Reader reader = new Reader();
        stream.pipeline().addLast(reader);
        assertThat(stream.isOpen()).as("unread data keeps it open").isTrue();
        stream.read();
        assertThat(reader.text).hasToString("hi");
        assertThat(stream.isOpen()).as("v1.5 has no half-close: FIN ends both ways").isFalse();
        // Closing answers with a FIN of its own, as smux's Close does.
        assertThat(written()).isEqualTo("0101000003000000");
    }

    @Test
    void frameOfAnotherVersionKillsTheSessionAndItsStreams() {
        SmuxSession session = start(v1(), false, 16);
        receive("0100000003000000");
        SmuxStream stream = accepted.get(0);
        receive("0203000000000000");
        assertThat(connection.isOpen()).isFalse();
        assertThat(stream.isOpen()).isFalse();
        assertThat(session.isActive()).isFalse();
        assertThat(session.deathReason()).contains("version 2").contains("mux.version");
        assertThat(session.closeFuture().isDone()).isTrue();
        assertThat(session.openStream().cause()).hasMessageContaining("closed");
    }

    @Test
    void malformedControlFramesKillTheSession() {
        for (String frame : List.of("0103010000000000" + "00", "0100010003000000" + "00", "0104080003000000"
                + "0000000000000000", "0105000003000000")) {
            SmuxSession session = start(v1(), false, 16);
            receive(frame);
            assertThat(session.isActive()).as(frame).isFalse();
            connection.finishAndReleaseAll();
        }
    }

    @Test
    void dataForUnknownStreamsIsDroppedWithoutHarm() {
        SmuxSession session = start(v1(), false, 16);
        receive("0102030009000000" + "616263");
        assertThat(session.isActive()).isTrue();
        assertThat(accepted).isEmpty();
    }

    @Test
    void keepaliveSendsNopAndClosesASilentSession() {
        connection = new EmbeddedChannel();
        connection.freezeTime();
        SmuxSession session = SmuxSession.start(connection, v1().withKeepalive(false, Duration.ofSeconds(10),
                Duration.ofSeconds(30)), true, "test", null, 1);
        connection.runPendingTasks();
        connection.advanceTimeBy(10, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        assertThat(written()).isEqualTo("0103000000000000");
        receive("0103000000000000"); // the peer's NOP counts as life
        connection.advanceTimeBy(20, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        assertThat(session.isActive()).as("a frame arrived within the first 30s").isTrue();
        connection.advanceTimeBy(30, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        assertThat(session.isActive()).isFalse();
        assertThat(session.deathReason()).contains("mux.keepaliveTimeout");
    }

    @Test
    void streamsBeyondTheBacklogAreRefusedWithFin() {
        start(v1(), false, 2);
        receive("0100000003000000" + "0100000005000000" + "0100000007000000");
        assertThat(accepted).extracting(SmuxStream::streamId).containsExactly(3, 5);
        assertThat(written()).isEqualTo("0101000007000000");
    }

    @Test
    void version1StopsReadingTheConnectionWhileTheReceiveBudgetIsUsedUp() {
        start(v1().withBuffers(1024, 8, 8), false, 16);
        connection.config().setAutoRead(true);
        receive("0100000003000000" + "0102080003000000" + "3031323334353637");
        SmuxStream stream = accepted.get(0);
        assertThat(connection.config().isAutoRead()).as("budget of 8 bytes used up").isFalse();
        Reader reader = new Reader();
        stream.pipeline().addLast(reader);
        stream.read();
        assertThat(reader.text).hasToString("01234567");
        assertThat(connection.config().isAutoRead()).as("read bytes return to the budget").isTrue();
    }

    @Test
    void version2AcknowledgesTheFirstReadAndEveryHalfWindow() {
        SmuxConfig v2 = v1().withVersion(2).withBuffers(1024, 64, 8);
        start(v2, false, 16);
        receive("0200000003000000" + "0202020003000000" + "6162");
        SmuxStream stream = accepted.get(0);
        stream.pipeline().addLast(new Reader());
        stream.read();
        // UPD: consumed 2, window 8 (mux.maxStreamBuffer)
        assertThat(written()).isEqualTo("0204080003000000" + "02000000" + "08000000");
        receive("0202030003000000" + "636465");
        stream.read();
        assertThat(written()).as("3 < half the window: no update yet").isEmpty();
        receive("0202010003000000" + "66");
        stream.read();
        assertThat(written()).isEqualTo("0204080003000000" + "06000000" + "08000000");
    }

    @Test
    void version2SenderStopsAtThePeersWindowAndGoesOnWithItsUpdate() {
        SmuxConfig v2 = v1().withVersion(2).withBuffers(65535, 4 * 1024 * 1024, 65536);
        SmuxSession session = start(v2, true, 16);
        SmuxStream stream = opened(session.openStream());
        written();
        int window = SmuxStream.INITIAL_PEER_WINDOW;
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[window + 100]));
        assertThat(payloadBytes(3)).isEqualTo(window);
        // The peer read everything and grants 64 KiB more.
        receive("0204080003000000" + le(window) + le(65536));
        assertThat(payloadBytes(3)).isEqualTo(100);
    }

    private int payloadBytes(int streamId) {
        connection.runPendingTasks();
        int total = 0;
        for (Object message; (message = connection.readOutbound()) != null; ) {
            ByteBuf frame = (ByteBuf) message;
            assertThat(frame.getByte(1)).isEqualTo((byte) SmuxFrame.PSH);
            assertThat(frame.getIntLE(4)).isEqualTo(streamId);
            total += frame.getUnsignedShortLE(2);
            frame.release();
        }
        return total;
    }

    private static String le(int value) {
        return String.format("%02x%02x%02x%02x", value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff,
                (value >>> 24) & 0xff);
    }

    @Test
    void closingTheConnectionClosesEveryStream() {
        SmuxSession session = start(v1(), true, 16);
        SmuxStream a = opened(session.openStream());
        SmuxStream b = opened(session.openStream());
        connection.close();
        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).isFalse();
        assertThat(session.closeFuture().isDone()).isTrue();
    }

    @Test
    void drainedSessionRefusesNewStreamsAndClosesAfterTheLastOne() {
        SmuxSession session = start(v1(), false, 16);
        receive("0100000003000000");
        SmuxStream open = accepted.get(0);
        session.drain();
        connection.runPendingTasks();
        receive("0100000005000000");
        assertThat(accepted).hasSize(1);
        assertThat(written()).isEqualTo("0101000005000000");
        assertThat(session.isActive()).as("a stream is still open").isTrue();
        open.close();
        connection.runPendingTasks();
        assertThat(session.isActive()).isFalse();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void sessionWithoutAcceptorRefusesStreams() {
        connection = new EmbeddedChannel();
        SmuxSession.start(connection, v1(), true, "test", null, 1);
        connection.runPendingTasks();
        receive("0100000002000000");
        assertThat(written()).isEqualTo("0101000002000000");
    }
}
