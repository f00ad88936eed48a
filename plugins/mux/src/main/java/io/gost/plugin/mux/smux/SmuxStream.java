package io.gost.plugin.mux.smux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * One smux stream as a Netty channel, a child of the session's channel and on its event loop: handlers,
 * connectors and the relay use it like a connection.
 *
 * <p>Reading: frames for this stream wait here until a {@code read()} asks for them (auto-read is off, as
 * for every connection the runtime hands out); what is handed on returns its bytes to the session's
 * receive budget and, in version 2, is acknowledged to the peer with an UPD frame, which is what lets the
 * peer send more to this stream. A stream whose reader is slow therefore holds back only its own peer in
 * version 2; in version 1 it holds bytes of the shared session budget ({@code mux.maxReceiveBuffer}), and
 * when that is used up the session stops reading the connection, exactly as smux does.
 *
 * <p>Writing: each buffer is cut into frames of at most {@code mux.maxFrameSize} bytes and written to the
 * session's channel; a write completes when its frames are in the session channel's outbound buffer. While
 * the session channel is not writable, or (version 2) the peer's window is used up, the rest waits here, so
 * a writer that waits for its writes (the relay does) is slowed down stream by stream.
 *
 * <p>Ends: closing sends FIN. A FIN from the peer ends the stream both ways, as in smux v1.5 (no
 * half-close): what was received before it is still read, then the stream closes. A stream is not a
 * {@link io.netty.channel.socket.DuplexChannel}, so the relay ends both directions at the first end of
 * stream, as GOST's relay does.
 */
public final class SmuxStream extends AbstractChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** smux's guess of the peer's window before its first UPD ({@code initialPeerWindow}). */
    static final int INITIAL_PEER_WINDOW = 262144;
    /** The most frames handed on in one read. */
    private static final int MAX_CHUNK_COMPONENTS = 256;

    private final SmuxSession session;
    private final int streamId;
    private final DefaultChannelConfig config;

    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>(4);
    private long inboundBytes;
    private boolean open = true;
    private boolean readPending;
    private boolean delivering;
    /** Waiting in the session's list of streams that deliver at the end of the connection's read burst. */
    private boolean deliveryQueued;
    private boolean remoteFin;
    private boolean finSent;

    /** Waiting for the session channel to become writable, or for a window update. */
    private boolean writeParked;
    private boolean inDoWrite;
    private boolean resumeRequested;

    // Version 2 flow control, modular 32-bit arithmetic as in smux.
    private int numRead;
    private int unacknowledged;
    private int numWritten;
    private int peerConsumed;
    private int peerWindow = INITIAL_PEER_WINDOW;

    SmuxStream(SmuxSession session, int streamId) {
        super(session.channel());
        this.session = session;
        this.streamId = streamId;
        this.config = new DefaultChannelConfig(this);
        config.setAutoRead(false);
    }

    /** The stream id (unsigned 32 bits). */
    public int streamId() {
        return streamId;
    }

    /** The session this stream belongs to. */
    public SmuxSession session() {
        return session;
    }

    /** Bytes received for this stream and not read yet. */
    public long bufferedBytes() {
        return inboundBytes;
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
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected SocketAddress localAddress0() {
        return parent().localAddress();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return parent().remoteAddress();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a smux stream cannot be bound");
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
        long returned = inboundBytes;
        for (ByteBuf buffer; (buffer = inbound.poll()) != null; ) {
            buffer.release();
        }
        inboundBytes = 0;
        session.streamClosed(this, returned, !finSent);
        finSent = true;
    }

    @Override
    protected void doBeginRead() {
        if (!open) {
            return;
        }
        if (delivering) {
            readPending = true;
        } else if (!inbound.isEmpty()) {
            deliver();
        } else if (remoteFin) {
            closeNow();
        } else {
            readPending = true;
        }
    }

    @Override
    protected Object filterOutboundMessage(Object message) {
        if (message instanceof ByteBuf) {
            return message;
        }
        throw new UnsupportedOperationException("a smux stream carries bytes only, not "
                + message.getClass().getSimpleName());
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer out) {
        inDoWrite = true;
        try {
            do {
                resumeRequested = false;
                if (writeFrames(out)) {
                    session.requestFlush();
                }
                // A resume that came while this was writing (the flush above made the session channel
                // writable again) could not re-enter: go round once more.
            } while (resumeRequested && open);
        } finally {
            inDoWrite = false;
        }
    }

    /** Writes frames until the buffer is empty or something says wait; true when something was written. */
    private boolean writeFrames(ChannelOutboundBuffer out) {
        boolean wrote = false;
        for (;;) {
            Object message = out.current();
            if (message == null) {
                return wrote;
            }
            ByteBuf buffer = (ByteBuf) message;
            if (!buffer.isReadable()) {
                out.remove();
                continue;
            }
            if (!session.channel().isWritable()) {
                // Whatever is queued there may go out at once; wait only if it does not.
                session.flushNow();
                if (!session.channel().isWritable()) {
                    park(false);
                    return wrote;
                }
            }
            int size = Math.min(buffer.readableBytes(), session.config().maxFrameSize());
            if (session.config().version() == 2) {
                int inflight = numWritten - peerConsumed;
                if (inflight < 0) {
                    throw new IllegalStateException("the peer acknowledged more than was sent on stream "
                            + Integer.toUnsignedString(streamId));
                }
                int window = peerWindow - inflight;
                if (window <= 0) {
                    park(true);
                    return wrote;
                }
                size = Math.min(size, window);
            }
            session.writeData(streamId, buffer.readRetainedSlice(size));
            wrote = true;
            numWritten += size;
            if (buffer.isReadable()) {
                out.progress(size);
            } else {
                out.remove();
            }
        }
    }

    private void park(boolean forWindow) {
        if (!writeParked) {
            writeParked = true;
            if (!forWindow) {
                session.waitForWritable(this);
            }
        }
    }

    /** The session channel became writable, or a window update came: write what waits. */
    void resumeWrites() {
        if (!writeParked || !open) {
            return;
        }
        writeParked = false;
        if (inDoWrite) {
            resumeRequested = true;
        } else {
            ((StreamUnsafe) unsafe()).writeNow();
        }
    }

    // ---- called by the session, on the event loop ----

    /** A PSH frame's payload for this stream (ownership passes here). */
    void received(ByteBuf data) {
        if (!open) {
            int size = data.readableBytes();
            data.release();
            session.returnTokens(size);
            return;
        }
        inbound.add(data);
        inboundBytes += data.readableBytes();
        if (readPending && !delivering && !deliveryQueued) {
            if (session.inReadBurst()) {
                // The rest of the burst may bring more for this stream: hand it all on in one read.
                deliveryQueued = true;
                session.deliverAtEndOfRead(this);
            } else {
                deliver();
            }
        }
    }

    /** The session's read burst is over: deliver what came in it, if a read is still pending. */
    void deliverQueued() {
        deliveryQueued = false;
        if (open && readPending && !delivering && !inbound.isEmpty()) {
            deliver();
        }
    }

    /** The peer sent FIN: the stream ends once what came before is read. */
    void finReceived() {
        remoteFin = true;
        if (inbound.isEmpty() && !delivering) {
            closeNow();
        }
    }

    /** A version 2 window update. */
    void windowUpdate(int consumed, int window) {
        peerConsumed = consumed;
        peerWindow = window;
        if (writeParked) {
            resumeWrites();
        }
    }

    /** The session died: close without a FIN (there is nobody to send it to). */
    void sessionClosed() {
        finSent = true;
        if (open) {
            closeNow();
        }
    }

    private void closeNow() {
        unsafe().close(unsafe().voidPromise());
    }

    private void deliver() {
        readPending = false;
        delivering = true;
        long delivered = 0;
        try {
            do {
                readPending = false;
                while (!inbound.isEmpty()) {
                    ByteBuf chunk = takeInbound();
                    int size = chunk.readableBytes();
                    inboundBytes -= size;
                    delivered += size;
                    pipeline().fireChannelRead(chunk);
                }
                pipeline().fireChannelReadComplete();
            } while (open && readPending && !inbound.isEmpty());
        } finally {
            delivering = false;
        }
        if (delivered > 0) {
            session.consumed(this, (int) delivered);
        }
        if (open && remoteFin && inbound.isEmpty()) {
            closeNow();
        }
    }

    /**
     * What waits, as one buffer: the reader (a relay) then writes it with one gathering system call rather
     * than one per frame. At most {@value #MAX_CHUNK_COMPONENTS} frames go in one buffer (a system call
     * writes at most 1024 pieces).
     */
    private ByteBuf takeInbound() {
        int count = inbound.size();
        if (count == 1) {
            return inbound.poll();
        }
        int components = Math.min(count, MAX_CHUNK_COMPONENTS);
        CompositeByteBuf chunk = alloc().compositeBuffer(components);
        for (int i = 0; i < components; i++) {
            chunk.addComponent(true, inbound.poll());
        }
        return chunk;
    }

    /** Version 2: counts bytes read and says whether the peer should now be told (smux's rule). */
    int acknowledge(int bytes, int threshold) {
        numRead += bytes;
        unacknowledged += bytes;
        if (unacknowledged >= threshold || numRead == bytes) {
            unacknowledged = 0;
            return numRead;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "[smux stream " + Integer.toUnsignedString(streamId) + " of " + parent() + "]";
    }

    private final class StreamUnsafe extends AbstractUnsafe {

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("open smux streams with SmuxSession.openStream"));
        }

        void writeNow() {
            flush0();
        }
    }
}
