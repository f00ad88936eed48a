package io.gost.api.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DatagramSessions} on an {@code EmbeddedChannel} standing in for a UDP socket: one session per client
 * address, handed out like a connection, with GOST's bounds.
 */
class DatagramSessionsTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 10053);
    private static final Duration TTL = Duration.ofSeconds(5);

    private final List<Channel> accepted = new ArrayList<>();
    private EmbeddedChannel socket;
    private DatagramSessions sessions;

    private void start(int queue, int backlog, int maxSessions, boolean keepalive) {
        sessions = new DatagramSessions(new DatagramSessions.Options(TTL, 65535, queue, backlog, maxSessions,
                keepalive), accepted::add, "service test", LOCAL);
        socket = new EmbeddedChannel(sessions);
    }

    @AfterEach
    void closeSocket() {
        if (socket != null) {
            socket.finishAndReleaseAll();
        }
    }

    private static InetSocketAddress client(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private void receive(int fromPort, String text) {
        socket.writeInbound(new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), LOCAL,
                client(fromPort)));
    }

    /** Records what a session delivers, and asks for more after each read like a relay would. */
    private static List<String> reader(Channel session, boolean keepReading) {
        List<String> read = new ArrayList<>();
        session.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                DatagramPacket packet = (DatagramPacket) message;
                read.add(packet.content().toString(StandardCharsets.US_ASCII));
                packet.release();
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                if (keepReading) {
                    ctx.read();
                }
            }
        });
        return read;
    }

    @Test
    void eachClientAddressGetsItsOwnSessionHandedOutActiveWithAutoReadOff() {
        start(128, 128, 16, true);
        receive(40001, "a");
        receive(40002, "b");
        receive(40001, "c");

        assertThat(accepted).hasSize(2);
        assertThat(accepted.get(0).remoteAddress()).isEqualTo(client(40001));
        assertThat(accepted.get(0).localAddress()).isEqualTo(LOCAL);
        assertThat(accepted.get(0).isActive()).isTrue();
        assertThat(accepted.get(0).config().isAutoRead()).isFalse();
        assertThat(sessions.openSessions()).isEqualTo(2);
    }

    @Test
    void datagramsWaitUntilTheSessionIsReadThenArriveInOrder() {
        start(128, 128, 16, true);
        receive(40001, "one");
        receive(40001, "two");
        Channel session = accepted.get(0);
        List<String> read = reader(session, false);
        assertThat(read).isEmpty();

        session.read();
        socket.runPendingTasks();

        assertThat(read).containsExactly("one", "two");
    }

    @Test
    void aWaitingDatagramDoesNotHoldTheSharedReadBufferItCameIn() {
        start(128, 128, 16, true);
        // As a recvmmsg read delivers it: a slice of one large buffer that the socket itself no longer holds.
        ByteBuf readBuffer = Unpooled.buffer(8 * 65535);
        readBuffer.writeCharSequence("waits", StandardCharsets.US_ASCII);
        ByteBuf slice = readBuffer.retainedSlice(0, 5);
        readBuffer.release();
        socket.writeInbound(new DatagramPacket(slice, LOCAL, client(40001)));

        assertThat(readBuffer.refCnt()).as("the read buffer, while the datagram waits for its session's reader")
                .isZero();
        Channel session = accepted.get(0);
        List<String> read = reader(session, false);
        session.read();
        socket.runPendingTasks();
        assertThat(read).containsExactly("waits");
    }

    @Test
    void aReadingSessionGetsNewDatagramsAtOnce() {
        start(128, 128, 16, true);
        receive(40001, "first");
        Channel session = accepted.get(0);
        List<String> read = reader(session, true);
        session.read();
        socket.runPendingTasks();

        receive(40001, "second");

        assertThat(read).containsExactly("first", "second");
    }

    @Test
    void datagramsBeyondTheQueueAreDroppedAndCounted() {
        start(2, 128, 16, true);
        receive(40001, "1");
        receive(40001, "2");
        receive(40001, "3");
        Channel session = accepted.get(0);
        List<String> read = reader(session, false);
        session.read();
        socket.runPendingTasks();

        assertThat(read).containsExactly("1", "2");
        assertThat(sessions.dropped()).isEqualTo(1);
    }

    @Test
    void newClientsBeyondMaxSessionsAreRefusedAndFreedSlotsAreReused() {
        start(128, 128, 2, true);
        receive(40001, "a");
        receive(40002, "b");
        receive(40003, "c");
        assertThat(accepted).hasSize(2);
        assertThat(sessions.refused()).isEqualTo(1);

        accepted.get(0).close();
        receive(40003, "c again");

        assertThat(accepted).hasSize(3);
        assertThat(accepted.get(2).remoteAddress()).isEqualTo(client(40003));
    }

    @Test
    void newClientsBeyondTheBacklogOfSessionsNotYetReadAreRefused() {
        start(128, 1, 16, true);
        receive(40001, "a");
        receive(40002, "b");
        assertThat(accepted).hasSize(1);

        accepted.get(0).read(); // its handler started: it no longer waits in the backlog
        socket.runPendingTasks();
        receive(40002, "b again");

        assertThat(accepted).hasSize(2);
    }

    @Test
    void writesGoToTheClientFromTheSharedChannel() {
        start(128, 128, 16, true);
        receive(40001, "question");
        Channel session = accepted.get(0);

        session.writeAndFlush(Unpooled.copiedBuffer("answer", StandardCharsets.US_ASCII));

        DatagramPacket sent = socket.readOutbound();
        assertThat(sent.recipient()).isEqualTo(client(40001));
        assertThat(sent.content().toString(StandardCharsets.US_ASCII)).isEqualTo("answer");
        sent.release();
        assertThat(session.isOpen()).isTrue();
    }

    @Test
    void withoutKeepaliveTheFirstReplyEndsTheSession() {
        start(128, 128, 16, false);
        receive(40001, "question");
        Channel session = accepted.get(0);

        session.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("answer", StandardCharsets.US_ASCII),
                client(1)));
        socket.runPendingTasks();

        ReferenceCountUtil.release(socket.readOutbound());
        assertThat(session.isOpen()).isFalse();
        receive(40001, "next question");
        assertThat(accepted).hasSize(2);
    }

    @Test
    void aSessionIdleForATtlSweepIsClosedAndOneWithTrafficIsNot() {
        start(128, 128, 16, true);
        receive(40001, "idle");
        receive(40002, "busy");
        Channel idle = accepted.get(0);
        Channel busy = accepted.get(1);
        reader(busy, true);
        busy.read();

        socket.advanceTimeBy(TTL.toNanos(), TimeUnit.NANOSECONDS);
        socket.runScheduledPendingTasks();
        receive(40002, "still here");
        socket.advanceTimeBy(TTL.toNanos(), TimeUnit.NANOSECONDS);
        socket.runScheduledPendingTasks();

        assertThat(idle.isOpen()).isFalse();
        assertThat(busy.isOpen()).isTrue();
        assertThat(sessions.openSessions()).isEqualTo(1);
    }

    @Test
    void closingTheSharedChannelClosesEverySessionAndReleasesWhatWaits() {
        start(128, 128, 16, true);
        receive(40001, "a");
        receive(40002, "b");

        socket.close();

        assertThat(accepted).allSatisfy(session -> assertThat(session.isOpen()).isFalse());
        assertThat(sessions.openSessions()).isZero();
    }

    @Test
    void aDatagramLongerThanTheReadBufferIsCut() {
        sessions = new DatagramSessions(new DatagramSessions.Options(TTL, 4, 128, 128, 16, true), accepted::add,
                "service test", LOCAL);
        socket = new EmbeddedChannel(sessions);
        receive(40001, "abcdefgh");
        List<String> read = reader(accepted.get(0), false);
        accepted.get(0).read();
        socket.runPendingTasks();

        assertThat(read).containsExactly("abcd");
    }

    @Test
    void messagesThatAreNotDatagramsAreReleased() {
        start(128, 128, 16, true);
        ByteBuf stray = Unpooled.buffer(1).writeByte(1);
        socket.writeInbound(stray);
        assertThat(stray.refCnt()).isZero();
        assertThat(accepted).isEmpty();
    }
}
