package io.gost.testkit;

import io.gost.api.RelayResult;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal relay for tests, standing in for the runtime's: copies each direction with read-after-write
 * backpressure, passes a half-close on as {@code shutdownOutput} (also one that happened before it
 * started), and closes both channels when both directions are done or either side fails or closes.
 */
public final class TestRelay {

    private final Channel client;
    private final Channel upstream;
    private final Promise<RelayResult> result;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger finishedDirections = new AtomicInteger();
    private final CopyHandler fromClient;
    private final CopyHandler toClient;

    private TestRelay(Channel client, Channel upstream) {
        this.client = client;
        this.upstream = upstream;
        this.result = client.eventLoop().newPromise();
        this.fromClient = new CopyHandler(client, upstream);
        this.toClient = new CopyHandler(upstream, client);
    }

    /** Starts relaying; the future completes once both channels are closed. */
    public static Future<RelayResult> start(Channel client, Channel upstream) {
        TestRelay relay = new TestRelay(client, upstream);
        AtomicInteger open = new AtomicInteger(2);
        Runnable oneClosed = () -> {
            if (open.decrementAndGet() == 0) {
                relay.result.trySuccess(new RelayResult(relay.fromClient.bytes, relay.toClient.bytes,
                        Duration.ofNanos(System.nanoTime() - relay.startNanos), null));
            }
        };
        client.closeFuture().addListener(closed -> oneClosed.run());
        upstream.closeFuture().addListener(closed -> oneClosed.run());
        client.pipeline().addLast("test-relay", relay.fromClient);
        upstream.pipeline().addLast("test-relay", relay.toClient);
        return relay.result;
    }

    private void closeBoth() {
        client.close();
        upstream.close();
    }

    private void directionFinished() {
        if (finishedDirections.incrementAndGet() == 2) {
            closeBoth();
        }
    }

    /** Reads one channel and writes to {@code peer}. */
    private final class CopyHandler extends ChannelInboundHandlerAdapter {

        private final Channel source;
        private final Channel peer;
        private volatile long bytes;
        private ChannelFuture lastWrite;
        private boolean ended;

        CopyHandler(Channel source, Channel peer) {
            this.source = source;
            this.peer = peer;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (source instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
                endInput();
            } else {
                ctx.read();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytes += ((ByteBuf) msg).readableBytes();
            lastWrite = peer.writeAndFlush(msg);
            lastWrite.addListener(written -> {
                if (written.isSuccess()) {
                    ctx.read();
                } else {
                    closeBoth();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                endInput();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        private void endInput() {
            if (ended) {
                return;
            }
            ended = true;
            // Shut the peer's output only after the last write has gone, or it would be failed.
            if (lastWrite == null) {
                shutdownPeerOutput();
            } else {
                lastWrite.addListener(written -> shutdownPeerOutput());
            }
        }

        private void shutdownPeerOutput() {
            ((DuplexChannel) peer).shutdownOutput().addListener(done -> directionFinished());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeBoth();
        }
    }
}
