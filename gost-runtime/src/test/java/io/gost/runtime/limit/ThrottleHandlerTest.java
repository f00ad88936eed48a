package io.gost.runtime.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a traffic limit does to the size of reads and writes: a low rate cuts them to a sixteenth of a second's
 * worth (so one chunk cannot overshoot it by much); a rate far above the link's leaves them as the transport
 * makes them, which is what keeps an unbinding limiter from costing bulk throughput.
 */
class ThrottleHandlerTest {

    private static final int TRANSPORT_READ = 128 * 1024;

    @Test
    void aRateFarAboveTheLinkLeavesReadsAndWritesAsTheTransportMakesThem() {
        Capture capture = new Capture();
        EmbeddedChannel channel = new EmbeddedChannel();
        RecvByteBufAllocator transports = channel.config().getRecvByteBufAllocator();
        TrafficLimiter.ConnectionThrottle throttle = throttle("$$ 1TB 1TB");

        channel.pipeline().addFirst(ThrottleHandler.NAME, new ThrottleHandler(throttle.fromClient(),
                throttle.toClient(), throttle));
        channel.pipeline().addFirst(capture); // nearer the socket than the throttle: sees what it lets through
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[TRANSPORT_READ]));

        assertThat((Object) channel.config().getRecvByteBufAllocator()).as("the transport's read sizes").isSameAs(transports);
        assertThat(capture.sizes).as("one write, not pieces").containsExactly(TRANSPORT_READ);
        channel.finishAndReleaseAll();
    }

    @Test
    void aLowRateCutsReadsAndWritesToASixteenthOfASecond() {
        Capture capture = new Capture();
        EmbeddedChannel channel = new EmbeddedChannel();
        RecvByteBufAllocator transports = channel.config().getRecvByteBufAllocator();
        TrafficLimiter.ConnectionThrottle throttle = throttle("$$ 1MB 1MB");

        channel.pipeline().addFirst(ThrottleHandler.NAME, new ThrottleHandler(throttle.fromClient(),
                throttle.toClient(), throttle));
        channel.pipeline().addFirst(capture); // nearer the socket than the throttle: sees what it lets through
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[TRANSPORT_READ]));

        int sixteenth = 64 * 1024;
        assertThat(throttle.fromClient().readSizeLimit()).isEqualTo(sixteenth);
        assertThat((Object) channel.config().getRecvByteBufAllocator()).as("reads sized to the rate").isNotSameAs(transports);
        // The bucket starts empty: the first piece goes out at once (into debt), the next a sixteenth of a second
        // later (or at once, on a machine that was that slow to get here).
        assertThat(capture.sizes).as("pieces of a sixteenth of a second's worth").isNotEmpty().hasSizeLessThan(3)
                .containsOnly(sixteenth);
        channel.finishAndReleaseAll();
    }

    private static TrafficLimiter.ConnectionThrottle throttle(String line) {
        TrafficLimiter limiter = new TrafficLimiter("limiter-0", LimitTable.compile(List.of(line),
                TrafficLimiter.Rate::parse, (raw, why) -> {
                    throw new AssertionError(raw + ": " + why);
                }));
        return limiter.open(new InetSocketAddress("127.0.0.1", 40000), TrafficLimiter.Scope.ALL, Duration.ofSeconds(1));
    }

    /** Records the size of every write that reaches the socket. */
    private static final class Capture extends ChannelOutboundHandlerAdapter {
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            sizes.add(((ByteBuf) message).readableBytes());
            ctx.write(message, promise);
        }
    }
}
