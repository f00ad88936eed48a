package io.gost.api.handshake;

import io.gost.api.HandlerContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * "Reply, then relay": how a proxy handler ends its handshake once the target is dialed, the same for every
 * protocol.
 *
 * <ol>
 *   <li>The success reply is written to the client from the end of its pipeline, so through the handler's
 *       encoders. If it cannot be written, both connections are closed.</li>
 *   <li>What the client sent between its request and now (a pipelining client, or a FIN that made epoll read
 *       with auto-read off) waits in a {@link HeldInbound} behind the handler's decoders. It is written
 *       upstream before the relay starts, so the order of the client's bytes is kept, and counted with
 *       {@link HandlerContext#countBytes} unless the handler counted it already.</li>
 *   <li>The handshake handlers and the holder are removed and {@link HandlerContext#relay} takes over. If the
 *       client had ended its stream meanwhile, the relay is told so at once.</li>
 * </ol>
 *
 * <p>If the client has gone by the time the reply is out, the upstream is closed instead. Call
 * {@link #replyThenRelay} on the client's event loop; the upstream must be registered on it too (the
 * router's contract).
 *
 * <pre>{@code
 * RelayHandOff.between(client, upstream, context)
 *         .holding(held)
 *         .removing(decoder, this)
 *         .replyThenRelay(Socks4.encodeReply(alloc, Socks4.GRANTED));
 * }</pre>
 */
public final class RelayHandOff {

    private final Channel upstream;
    private final HandlerContext context;
    private final Channel client;
    private final List<ChannelHandler> handshakeHandlers = new ArrayList<>(4);
    private HeldInbound held = new HeldInbound();
    private boolean countHeld = true;

    private RelayHandOff(Channel client, Channel upstream, HandlerContext context) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.context = Objects.requireNonNull(context, "context");
        this.client = Objects.requireNonNull(client, "client");
    }

    /** A hand-off of {@code client} and {@code upstream} to {@code context}'s relay. */
    public static RelayHandOff between(Channel client, Channel upstream, HandlerContext context) {
        return new RelayHandOff(client, upstream, context);
    }

    /** What the client sent after its request; written upstream first and counted. */
    public RelayHandOff holding(HeldInbound clientBytes) {
        this.held = Objects.requireNonNull(clientBytes, "clientBytes");
        this.countHeld = true;
        return this;
    }

    /** As {@link #holding}, for bytes the handler has counted already (e.g. with its own byte counter). */
    public RelayHandOff holdingCounted(HeldInbound clientBytes) {
        holding(clientBytes);
        this.countHeld = false;
        return this;
    }

    /** The handlers of the handshake, removed from the client pipeline before the relay starts. */
    public RelayHandOff removing(ChannelHandler... handlers) {
        handshakeHandlers.addAll(List.of(handlers));
        return this;
    }

    /** Writes {@code reply} (none when {@code null}), then hands over as described above. */
    public void replyThenRelay(Object reply) {
        if (reply == null) {
            handOver();
            return;
        }
        client.writeAndFlush(reply).addListener(written -> onClientLoop(() -> {
            if (written.isSuccess()) {
                handOver();
            } else {
                closeBoth();
            }
        }));
    }

    private void handOver() {
        if (!client.isActive()) {
            closeBoth();
            return;
        }
        List<ByteBuf> early = held.drain();
        if (!early.isEmpty()) {
            writeUpstream(early).addListener(written -> onClientLoop(() -> {
                // Relayed only once they are out: a relay that sees a half-closed client at once would shut
                // the upstream's output while they are still being written.
                if (written.isSuccess()) {
                    handOver();
                } else {
                    closeBoth();
                }
            }));
            return;
        }
        ChannelPipeline pipeline = client.pipeline();
        for (ChannelHandler handler : handshakeHandlers) {
            if (pipeline.context(handler) != null) {
                pipeline.remove(handler);
            }
        }
        boolean inputEnded = held.inputEnded();
        if (pipeline.context(held) != null) {
            pipeline.remove(held);
        }
        context.relay(upstream);
        if (inputEnded) {
            // The client half-closed before the relay was there to see it.
            pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    private ChannelFuture writeUpstream(List<ByteBuf> bytes) {
        long total = 0;
        ChannelFuture last = null;
        for (ByteBuf buffer : bytes) {
            total += buffer.readableBytes();
            last = upstream.write(buffer);
        }
        upstream.flush();
        if (countHeld) {
            context.countBytes(total, 0);
        }
        return last;
    }

    private void closeBoth() {
        upstream.close();
        client.close();
    }

    private void onClientLoop(Runnable task) {
        if (client.eventLoop().inEventLoop()) {
            task.run();
        } else {
            client.eventLoop().execute(task);
        }
    }
}
