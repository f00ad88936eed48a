package io.gost.api.datagram;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * One client's session on a datagram channel shared by many clients (a listening UDP socket, or a tunnel from a
 * hop that listens for the service), as a Netty channel: a child of that channel, on its event loop, made by
 * {@link DatagramSessions}. Handlers and the runtime use it like a connection whose messages are datagrams.
 *
 * <p>Reading: each message is a {@link DatagramPacket} from the client (its {@code sender()}). Datagrams that
 * arrive while nobody asked to read wait here, at most {@code readQueueSize} of them; more are dropped, as GOST
 * does. Auto-read is off when the session is handed out, as for every connection.
 *
 * <p>Writing: a {@code DatagramPacket} or a {@code ByteBuf} goes to the client, whatever the packet's recipient,
 * from the shared channel. A write completes once the datagram is passed to the shared channel; while that
 * channel is not writable, datagrams are dropped rather than queued. Without keepalive the session closes after
 * its first datagram to the client (GOST's one request, one response).
 *
 * <p>Ends: closed by its handler, when idle for a {@code ttl} sweep (see {@link DatagramSessions}), or with the
 * shared channel. Datagrams from the same client afterwards open a new session.
 */
public final class DatagramSessionChannel extends AbstractChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final DatagramSessions sessions;
    private final InetSocketAddress peer;
    private final SocketAddress local;
    private final DefaultChannelConfig config;
    private final ArrayDeque<DatagramPacket> queue = new ArrayDeque<>(4);
    private final int queueLimit;
    private final boolean keepalive;

    private boolean open = true;
    private boolean readPending;
    private boolean deliveryScheduled;
    /** Datagrams were fired since the last {@code channelReadComplete}. */
    private boolean delivered;
    /** No traffic since the last sweep. */
    private boolean idle;
    /** Its handler has asked for input at least once: no longer waiting in the backlog. */
    private boolean started;
    private boolean replied;

    DatagramSessionChannel(Channel shared, DatagramSessions sessions, InetSocketAddress peer, SocketAddress local,
                           int queueLimit, boolean keepalive) {
        super(shared);
        this.sessions = sessions;
        this.peer = peer;
        this.local = local;
        this.queueLimit = queueLimit;
        this.keepalive = keepalive;
        this.config = new DefaultChannelConfig(this);
        config.setAutoRead(false);
    }

    /** The client this session belongs to. */
    public InetSocketAddress peer() {
        return peer;
    }

    /** Datagrams from the client waiting to be read. */
    public int queuedDatagrams() {
        return queue.size();
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return peer;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new SessionUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return peer;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a datagram session is bound by the channel it belongs to");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        for (DatagramPacket packet; (packet = queue.poll()) != null; ) {
            packet.release();
        }
        sessions.closed(this, started);
    }

    @Override
    protected void doBeginRead() {
        if (!open) {
            return;
        }
        if (!started) {
            started = true;
            sessions.started(this);
        }
        readPending = true;
        if (!queue.isEmpty() && !deliveryScheduled) {
            // Not inline: a reader asks for input from its set-up code and must not see it before that is done.
            deliveryScheduled = true;
            eventLoop().execute(this::deliverQueued);
        }
    }

    private void deliverQueued() {
        deliveryScheduled = false;
        if (!open) {
            return;
        }
        while (readPending && !queue.isEmpty()) {
            delivered = true;
            pipeline().fireChannelRead(queue.poll());
        }
        readBatchComplete();
    }

    /** A datagram from the client; ownership passes to the session. Called on the event loop. */
    void receive(DatagramPacket packet) {
        if (!open) {
            packet.release();
            return;
        }
        idle = false;
        if (readPending && queue.isEmpty() && !deliveryScheduled) {
            delivered = true;
            sessions.touched(this);
            pipeline().fireChannelRead(packet);
        } else if (queue.size() < queueLimit) {
            queue.add(ownCopyIfShared(packet));
        } else {
            packet.release();
            sessions.dropped(this, "its readQueueSize of " + queueLimit + " datagrams is full");
        }
    }

    /**
     * A datagram that has to wait, in its own buffer of its size. The shared channel reads several datagrams per
     * system call into one buffer (8 slots of readBufferSize, 512 KiB by default), and each datagram is a slice of
     * it: one that waits for a session's handler (a dial, a DNS answer) would keep all of that buffer alive, and a
     * burst of new clients at a low rate, each read alone into a buffer of its own, would pin one per client.
     * Datagrams that go on at once are not copied.
     */
    private static DatagramPacket ownCopyIfShared(DatagramPacket packet) {
        ByteBuf content = packet.content();
        if (content.unwrap() == null && content.capacity() <= 2 * content.readableBytes()) {
            return packet;
        }
        DatagramPacket copy = packet.replace(content.copy());
        packet.release();
        return copy;
    }

    /** The shared channel's read is over: what was delivered is followed by {@code channelReadComplete}. */
    void readBatchComplete() {
        if (!delivered || !open) {
            return;
        }
        delivered = false;
        // Cleared first: a reader that wants more asks again from channelReadComplete (or auto-read does).
        readPending = false;
        pipeline().fireChannelReadComplete();
    }

    /** For the idle sweep: true when nothing passed since the previous sweep; marks the session idle. */
    boolean idleSinceLastSweep() {
        if (idle) {
            return true;
        }
        idle = true;
        return false;
    }

    @Override
    protected Object filterOutboundMessage(Object message) {
        if (message instanceof DatagramPacket || message instanceof ByteBuf) {
            return message;
        }
        throw new UnsupportedOperationException("a datagram session writes DatagramPacket or ByteBuf, not "
                + message.getClass().getName());
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer outbound) {
        Channel shared = parent();
        boolean wrote = false;
        for (Object message; (message = outbound.current()) != null; ) {
            ByteBuf content = message instanceof ByteBufHolder holder ? holder.content() : (ByteBuf) message;
            if (open && shared.isActive() && shared.isWritable()) {
                shared.write(new DatagramPacket(content.retain(), peer), shared.voidPromise());
                wrote = true;
                idle = false;
            } else if (open) {
                sessions.dropped(this, "the channel it is sent on cannot take more");
            }
            outbound.remove();
        }
        if (wrote) {
            shared.flush();
            if (!keepalive && !replied) {
                // GOST without keepalive: one reply ends the session.
                replied = true;
                eventLoop().execute(() -> close());
            }
        }
    }

    @Override
    public String toString() {
        return "DatagramSession[" + peer + " via " + local + (open ? "" : ", closed") + "]";
    }

    private final class SessionUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a datagram session is connected to its client"));
        }
    }

    /** Releases a message the session will not deliver; for {@link DatagramSessions}. */
    static void discard(Object message) {
        ReferenceCountUtil.release(message);
    }
}
