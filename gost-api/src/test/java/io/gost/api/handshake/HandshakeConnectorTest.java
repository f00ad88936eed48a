package io.gost.api.handshake;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connector template, driven through a made-up line protocol ({@link LineProtocol}) on an EmbeddedChannel. */
class HandshakeConnectorTest {

    private static final InetSocketAddress TARGET = InetSocketAddress.createUnresolved("example.com", 443);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AtomicInteger socketReads = new AtomicInteger();
    private final List<ByteBuf> sent = new ArrayList<>();
    private EmbeddedChannel hop;
    private List<String> handlersBefore;

    @BeforeEach
    void openHop() {
        hop = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("198.18.0.1", 1080);
            }
        };
        hop.freezeTime();
        hop.config().setAutoRead(false);
        hop.pipeline().addFirst("socket-reads", new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                socketReads.incrementAndGet();
                ctx.read();
            }
        });
        handlersBefore = hop.pipeline().names();
    }

    @AfterEach
    void closeHop() {
        hop.finishAndReleaseAll();
        assertThat(sent).as("every buffer the hop sent was released").allMatch(buffer -> buffer.refCnt() == 0);
    }

    private Future<Channel> connect() {
        return new LineProtocol(null).connect(hop, "tcp", TARGET, TIMEOUT);
    }

    // ---------------------------------------------------------------- success

    @Test
    void grantedAnswerCompletesWithTheSameChannelAndLeavesThePipelineAsItWas() {
        Future<Channel> tunnel = connect();
        assertThat(outbound()).isEqualTo("CONNECT example.com:443\n");
        assertThat(socketReads).as("the answer is asked for").hasValue(1);

        answer("OK\n");

        assertThat(tunnel.isSuccess()).isTrue();
        assertThat(tunnel.getNow()).isSameAs(hop);
        assertThat(hop.pipeline().names()).isEqualTo(handlersBefore);
        assertThat(hop.config().isAutoRead()).isFalse();
        assertThat(hop.isOpen()).isTrue();
    }

    @Test
    void bytesGluedToTheAnswerWaitForTheNextReaderAndAnswerItsFirstRead() {
        Future<Channel> tunnel = connect();
        outbound();

        answer("OK\nSSH-2.0-banner\r\n");
        assertThat(tunnel.isSuccess()).isTrue();
        Collector next = new Collector();
        hop.pipeline().addLast(next);
        assertThat(next.text).as("nothing before the next reader reads").isEmpty();
        int readsBefore = socketReads.get();

        hop.read();
        hop.runPendingTasks();

        assertThat(next.text).hasToString("SSH-2.0-banner\r\n");
        assertThat(socketReads).as("the held bytes answer the read; the socket is not asked").hasValue(readsBefore);
        assertThat(hop.pipeline().get(HeldInbound.class)).as("the holder is gone once it delivered").isNull();
    }

    @Test
    void bytesArrivingBeforeAnyoneReadsJoinTheHeldOnesInOrderAndTheEndOfStreamFollowsThem() {
        Future<Channel> tunnel = connect();
        outbound();
        answer("OK\nfirst ");
        assertThat(tunnel.isSuccess()).isTrue();
        // Auto-read is off, but epoll reads what is buffered when the hop half-closes.
        hop.writeInbound(text("second"));
        hop.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        Collector next = new Collector();
        hop.pipeline().addLast(next);

        hop.read();
        hop.runPendingTasks();

        assertThat(next.text).hasToString("first second");
        assertThat(next.events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
        assertThat(next.eventAfterBytes).isTrue();
    }

    @Test
    void hopEndingItsStreamRightBehindTheGrantStillOpensTheTunnelAndPassesTheEndOn() {
        Future<Channel> tunnel = connect();
        outbound();
        hop.writeOneInbound(text("OK\nlast words"));

        hop.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(tunnel.isSuccess()).isTrue();
        Collector next = new Collector();
        hop.pipeline().addLast(next);
        hop.read();
        hop.runPendingTasks();
        assertThat(next.text).hasToString("last words");
        assertThat(next.events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
    }

    @Test
    void answerSplitAcrossReadsAsksTheHopForMore() {
        Future<Channel> tunnel = connect();
        outbound();

        answer("O");
        assertThat(tunnel.isDone()).isFalse();
        assertThat(socketReads.get()).isGreaterThan(1);
        answer("K\n");

        assertThat(tunnel.isSuccess()).isTrue();
    }

    @Test
    void aProtocolWithSeveralStepsSendsTheNextRequestAndItsNewCodecIsRemovedAtTheEnd() {
        Future<Channel> tunnel = connect();
        outbound();

        answer("AUTH\n");
        assertThat(outbound()).isEqualTo("USER alice\n");
        answer("WAIT\nOK\n");

        assertThat(tunnel.isSuccess()).isTrue();
        assertThat(hop.pipeline().names()).isEqualTo(handlersBefore);
    }

    // ---------------------------------------------------------------- failures

    @Test
    void refusalFailsWithHopRejectedNamingHopTargetAndAnswerAndClosesTheChannel() {
        Future<Channel> tunnel = connect();
        outbound();

        answer("NO not today\n");

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        assertThat(failure).hasMessage("line hop 198.18.0.1:1080 answered CONNECT example.com:443 with not today");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void malformedAnswerFailsWithGeneral() {
        Future<Channel> tunnel = connect();
        outbound();

        answer("SSH-2.0-OpenSSH_9.2\r\n");

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.GENERAL);
        assertThat(failure).hasMessage("line hop 198.18.0.1:1080 sent 'SSH-2.0-OpenSSH_9.2\r', which is not a"
                + " line-protocol answer");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void aHandshakeThatThrowsFailsTheFutureInsteadOfEscaping() {
        Future<Channel> tunnel = connect();
        outbound();

        answer("THROW\n");

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.GENERAL);
        assertThat(failure.getMessage()).contains("could not be read: a bug in the handshake");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void noAnswerWithinTheTimeoutFailsWithTimeoutAndClosesTheChannel() {
        Future<Channel> tunnel = connect();
        outbound();

        hop.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();
        assertThat(tunnel.isDone()).isFalse();
        hop.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.TIMEOUT);
        assertThat(failure).hasMessage("line hop 198.18.0.1:1080 did not answer CONNECT example.com:443 within 5s");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void theTimeoutMessageSaysWhatTheHandshakeWaitedFor() {
        Future<Channel> tunnel = new LineProtocol(Duration.ofMillis(1500)).connect(hop, "tcp", TARGET, TIMEOUT);
        answer("AUTH\n");

        hop.advanceTimeBy(1500, TimeUnit.MILLISECONDS);
        hop.runScheduledPendingTasks();

        assertThat(failure(tunnel)).hasMessageEndingWith("within 1500ms (waiting for its AUTH answer)");
    }

    @Test
    void aTimeoutThatIsNotPositiveMeansNone() {
        Future<Channel> tunnel = new LineProtocol(null).connect(hop, "tcp", TARGET, Duration.ZERO);

        hop.advanceTimeBy(1, TimeUnit.DAYS);
        hop.runScheduledPendingTasks();

        assertThat(tunnel.isDone()).isFalse();
    }

    @Test
    void afterSuccessTheTimerNoLongerFires() {
        Future<Channel> tunnel = connect();
        answer("OK\n");

        hop.advanceTimeBy(1, TimeUnit.MINUTES);
        hop.runScheduledPendingTasks();

        assertThat(tunnel.isSuccess()).isTrue();
        assertThat(hop.isOpen()).isTrue();
    }

    @Test
    void cancellingTheFutureClosesTheChannelAndRemovesTheHandshake() {
        Future<Channel> tunnel = connect();
        outbound();

        tunnel.cancel(false);

        assertThat(hop.isOpen()).isFalse();
        assertThat(hop.pipeline().get(HandshakeDriver.class)).isNull();
    }

    @Test
    void hopClosingBeforeItAnswersFails() {
        Future<Channel> tunnel = connect();
        outbound();

        hop.close();

        RouteException failure = failure(tunnel);
        assertThat(failure.reason()).isEqualTo(RouteException.Reason.GENERAL);
        assertThat(failure).hasMessage("line hop 198.18.0.1:1080 closed the connection before answering CONNECT"
                + " example.com:443");
    }

    @Test
    void hopEndingItsStreamMidHandshakeFailsSayingWhatWasAwaited() {
        Future<Channel> tunnel = connect();
        answer("AUTH\n");

        hop.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(failure(tunnel)).hasMessageEndingWith("before answering CONNECT example.com:443 (waiting for its"
                + " AUTH answer)");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void anErrorOnTheConnectionFailsTheHandshake() {
        Future<Channel> tunnel = connect();

        hop.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));

        assertThat(failure(tunnel)).hasMessage("line hop 198.18.0.1:1080 failed during CONNECT example.com:443:"
                + " Connection reset by peer");
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void anotherNetworkThanTcpFailsWithoutTalkingToTheHop() {
        Future<Channel> tunnel = new LineProtocol(null).connect(hop, "udp", TARGET, TIMEOUT);

        assertThat(failure(tunnel)).hasMessage("the line connector tunnels tcp only; cannot connect udp to"
                + " example.com:443");
        assertThat(outbound()).isEmpty();
    }

    @Test
    void aTargetTheProtocolCannotExpressFailsWithoutTalkingToTheHop() {
        Future<Channel> tunnel = new LineProtocol(null).connect(hop, "tcp", new InetSocketAddress("::1", 0), TIMEOUT);

        assertThat(failure(tunnel)).hasMessage("cannot ask line hop 198.18.0.1:1080 for [::1]:0: port 0"
                + " cannot be asked for");
        assertThat(outbound()).isEmpty();
        assertThat(hop.isOpen()).isFalse();
    }

    @Test
    void aSecondConnectWhileTheFirstRunsFails() {
        Future<Channel> first = connect();

        Future<Channel> second = connect();

        assertThat(failure(second)).hasMessageContaining("a handshake is already under way on the connection to"
                + " line hop 198.18.0.1:1080");
        assertThat(first.isDone()).isTrue();
    }

    @Test
    void twoHandshakesInARowOnOneChannelEachGetTheirBytes() {
        Future<Channel> first = connect();
        answer("OK\nOK\nfor the target");
        assertThat(first.isSuccess()).isTrue();
        outbound();

        Future<Channel> second = connect();
        hop.runPendingTasks();

        assertThat(outbound()).isEqualTo("CONNECT example.com:443\n");
        assertThat(second.isSuccess()).as("the second hop's answer was behind the first's").isTrue();
        Collector next = new Collector();
        hop.pipeline().addLast(next);
        hop.read();
        hop.runPendingTasks();
        assertThat(next.text).hasToString("for the target");
    }

    // ---------------------------------------------------------------- helpers

    private static RouteException failure(Future<Channel> future) {
        assertThat(future.isDone()).as("done").isTrue();
        assertThat(future.cause()).isInstanceOf(RouteException.class);
        return (RouteException) future.cause();
    }

    private void answer(String text) {
        hop.writeInbound(text(text));
    }

    private ByteBuf text(String text) {
        ByteBuf buffer = Unpooled.copiedBuffer(text, US_ASCII);
        sent.add(buffer);
        return buffer;
    }

    private String outbound() {
        StringBuilder text = new StringBuilder();
        for (Object msg; (msg = hop.readOutbound()) != null; ) {
            ByteBuf buffer = (ByteBuf) msg;
            text.append(buffer.toString(US_ASCII));
            buffer.release();
        }
        return text.toString();
    }

    /** Stands in for the relay: keeps what reaches it, and whether an end of stream came after bytes. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        final StringBuilder text = new StringBuilder();
        final List<Object> events = new ArrayList<>();
        boolean eventAfterBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buffer = (ByteBuf) msg;
            text.append(buffer.toString(US_ASCII));
            buffer.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            eventAfterBytes = text.length() > 0;
            events.add(evt);
        }
    }
}
