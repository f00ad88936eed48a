package io.gost.testkit;

import io.gost.api.RelayResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal datagram relay for tests, standing in for the runtime's ({@code HandlerContext.relayDatagrams}): both
 * channels read continuously, each datagram goes to the other side unchanged (with its addresses), and both are
 * closed when either closes.
 */
public final class TestDatagramRelay {

    private TestDatagramRelay() {
    }

    /** Starts relaying; the future completes once both channels are closed. */
    public static Future<RelayResult> start(Channel client, Channel upstream) {
        long start = System.nanoTime();
        Promise<RelayResult> result = client.eventLoop().newPromise();
        Copy fromClient = new Copy(upstream);
        Copy toClient = new Copy(client);
        client.closeFuture().addListener(closed -> upstream.close());
        upstream.closeFuture().addListener(closed -> client.close());
        client.closeFuture().addListener(closed -> upstream.closeFuture().addListener(both ->
                result.trySuccess(new RelayResult(fromClient.bytes.get(), toClient.bytes.get(),
                        Duration.ofNanos(System.nanoTime() - start), null))));
        client.pipeline().addLast("test-datagram-relay", fromClient);
        upstream.pipeline().addLast("test-datagram-relay", toClient);
        client.config().setAutoRead(true);
        upstream.config().setAutoRead(true);
        return result;
    }

    private static final class Copy extends ChannelInboundHandlerAdapter {
        private final Channel sink;
        private final AtomicLong bytes = new AtomicLong();

        Copy(Channel sink) {
            this.sink = sink;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            bytes.addAndGet(message instanceof ByteBufHolder holder ? holder.content().readableBytes()
                    : message instanceof ByteBuf buffer ? buffer.readableBytes() : 0);
            sink.writeAndFlush(message);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a datagram that could not be sent is lost, as UDP's are
        }
    }
}
