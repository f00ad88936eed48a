package io.gost.plugin.http.testing;

import io.gost.api.RelayResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;

/**
 * A minimal stand-in for the runtime's relay: copies bytes both ways, reading the next chunk only after
 * the previous one was written, passes half-closes on, and closes both channels when both directions
 * are done or either fails.
 */
public final class TestRelay {

    private final Channel client;
    private final Channel upstream;
    private final Promise<RelayResult> done;
    private final long startNanos = System.nanoTime();
    private final Pump clientToUpstream;
    private final Pump upstreamToClient;

    private TestRelay(Channel client, Channel upstream) {
        this.client = client;
        this.upstream = upstream;
        this.done = client.eventLoop().newPromise();
        this.clientToUpstream = new Pump(upstream);
        this.upstreamToClient = new Pump(client);
    }

    /** Starts relaying; the handlers go to the end of both pipelines. */
    public static Future<RelayResult> start(Channel client, Channel upstream) {
        TestRelay relay = new TestRelay(client, upstream);
        client.pipeline().addLast("test-relay", relay.clientToUpstream);
        upstream.pipeline().addLast("test-relay", relay.upstreamToClient);
        client.closeFuture().addListener(closed -> relay.closeBoth());
        upstream.closeFuture().addListener(closed -> relay.closeBoth());
        client.read();
        upstream.read();
        return relay.done;
    }

    private void closeBoth() {
        // Flush what is queued before closing, as a relay must.
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        if (!client.isOpen() && !upstream.isOpen()) {
            done.trySuccess(new RelayResult(clientToUpstream.bytes, upstreamToClient.bytes,
                    Duration.ofNanos(System.nanoTime() - startNanos), null));
        }
    }

    private void maybeFinish() {
        if (clientToUpstream.inputDone && upstreamToClient.inputDone) {
            client.close();
            upstream.close();
        }
    }

    private final class Pump extends ChannelInboundHandlerAdapter {
        private final Channel target;
        long bytes;
        boolean inputDone;

        Pump(Channel target) {
            this.target = target;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
            }
            target.writeAndFlush(msg).addListener(written -> {
                if (written.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputDone = true;
                if (target instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                }
                maybeFinish();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
