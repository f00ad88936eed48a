package io.gost.plugin.http.handler;

import io.gost.api.handshake.HeldInbound;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Right behind the request decoder: hands the handlers after it exactly one message per {@code read()} they
 * ask for, and keeps the rest. So a pipelined next request, or a body that arrives while the upstream is still
 * being dialed, simply waits until the handler in charge asks for it; and a handler that wants the next
 * message need not care whether it is already decoded or still to be read from the socket.
 *
 * <p>{@link #takeNext()} asks for the next message without reading the socket: a body piece that is decoded
 * already goes upstream at once, while the socket is read only after the upstream took the previous one. At
 * most one socket read is asked for at a time. The client's end of stream is queued as {@link #END_OF_INPUT},
 * after what came before it. Re-entrant requests (a handler asking for the next message while handling one)
 * are served after the current message, not inside it. Once the connection is closing, everything is dropped;
 * while it lingers, the socket is drained.
 */
final class RequestQueue extends ChannelDuplexHandler {

    /** The client has ended its stream: no message follows this one. */
    static final Object END_OF_INPUT = new Object() {
        @Override
        public String toString() {
            return "END_OF_INPUT";
        }
    };

    private final ClientConnection connection;
    private final ArrayDeque<Object> queue = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    /** A handler wants the next message ... */
    private boolean demand;
    /** ... and it may be read from the socket. */
    private boolean socketDemand;
    private boolean socketReadPending;
    private boolean delivering;
    private boolean socketEnded;

    RequestQueue(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        demand = true;
        socketDemand = true;
        deliver(ctx);
    }

    /** Passes on the next message if it is decoded already, or as soon as it is; does not read the socket. */
    void takeNext() {
        demand = true;
        deliver(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (connection.isClosed()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queue.add(msg);
        deliver(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        socketReadPending = false;
        if (connection.lingering()) {
            // The answer is out; what the client still sends is drained so that closing does not reset it away.
            ctx.read();
        } else {
            // The read asked for may have brought no complete message yet.
            readSocketIfWanted();
        }
    }

    private void readSocketIfWanted() {
        if (demand && socketDemand && !socketReadPending && !socketEnded && !connection.isClosed()) {
            socketReadPending = true;
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !socketEnded) {
            socketEnded = true;
            queue.add(END_OF_INPUT);
            connection.endInput();
            deliver(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueue();
    }

    private void deliver(ChannelHandlerContext ctx) {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            while (demand && !queue.isEmpty() && !connection.isClosed()) {
                demand = false;
                socketDemand = false;
                ctx.fireChannelRead(queue.poll());
            }
        } finally {
            delivering = false;
        }
        if (connection.isClosed()) {
            releaseQueue();
        } else {
            // Also for a read() asked for while a message was being handled: it found nothing queued.
            readSocketIfWanted();
        }
    }

    /**
     * Puts a {@link HeldInbound} in this handler's place with the bytes still queued (a CONNECT tunnel's first
     * bytes; decoded messages are dropped) and the end of stream if it came, and returns it.
     */
    HeldInbound handOver(ChannelPipeline pipeline) {
        List<ByteBuf> bytes = new ArrayList<>(queue.size());
        boolean ended = false;
        for (Object msg; (msg = queue.poll()) != null; ) {
            if (msg instanceof ByteBuf buffer) {
                bytes.add(buffer);
            } else {
                ended |= msg == END_OF_INPUT;
                ReferenceCountUtil.release(msg);
            }
        }
        HeldInbound held = new HeldInbound(bytes, ended);
        pipeline.replace(this, HttpProxyPipeline.TUNNEL_BYTES, held);
        return held;
    }

    private void releaseQueue() {
        for (Object msg; (msg = queue.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }
}
