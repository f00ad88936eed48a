package io.gost.plugin.mux.smux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An smux session (xtaci/smux v1.5, GOST's multiplexer) over one connection, speaking GOST's wire format:
 * {@link SmuxFrame}s, stream ids odd from the client (3, 5 ...) and even from the server (2, 4 ...), NOP
 * keepalives, and in version 2 per-stream windows. Each stream is a {@link SmuxStream}, a child channel on
 * the connection's event loop.
 *
 * <p>Either side may open streams ({@link #openStream}); streams the peer opens go to the
 * {@link StreamAcceptor} given at {@link #start}, at most {@code backlog} of them waiting for it at a time
 * (more are refused with a FIN and a log line, as GOST's "connection queue is full"); a session without an
 * acceptor refuses them all.
 *
 * <p>The session dies when its connection closes or fails, when the peer breaks the protocol (another
 * version, an unknown command, a control frame with a payload), or when nothing arrived for
 * {@code mux.keepaliveTimeout} (unless the receive budget is used up: then the silence is ours). Its streams
 * are closed with it, and {@link #closeFuture()} completes.
 *
 * <p>Everything runs on the connection's event loop; the public methods may be called from any thread.
 *
 * <p>Why this class is long: it is smux's session state machine (stream table, per-stream windows,
 * keepalive, backlog, death), whose rules share state on one loop; the frame codec and the stream channel
 * are their own classes.
 */
public final class SmuxSession {

    private static final Logger LOGGER = LoggerFactory.getLogger(SmuxSession.class);

    /**
     * When the connection stops taking frames (its streams' writes then wait) and when it takes them again.
     * Netty's default (64 KiB) is one chunk of one relay: with many streams the connection was not writable
     * after the first stream's frames of a turn, so every stream flushed alone, a system call per chunk. A
     * session's connection carries many streams, so it may hold more; the streams' own writes still wait
     * beyond this, which bounds memory per session.
     */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    /** Receives the streams the peer opens. */
    @FunctionalInterface
    public interface StreamAcceptor {

        /** Takes an active stream, auto-read off, on its event loop; must not block. */
        void accept(SmuxStream stream);
    }

    private final Channel channel;
    private final SmuxConfig config;
    private final boolean client;
    private final String owner;
    private final StreamAcceptor acceptor;
    private final int backlog;
    private final EventLoop loop;
    private final IntObjectHashMap<SmuxStream> streams = new IntObjectHashMap<>();
    private final ArrayDeque<SmuxStream> waitingForWritable = new ArrayDeque<>();
    private final Promise<Void> closed;

    /** The last stream id this side used; the next is two more. */
    private long lastStreamId;
    private boolean goAway;
    /** Bytes the session may still receive before it stops reading (smux's token bucket). */
    private long bucket;
    private int waitingForAcceptor;
    private boolean frameSinceCheck;
    private boolean dead;
    private boolean draining;
    private String deathReason;
    private ScheduledFuture<?> pinger;
    private ScheduledFuture<?> idleCheck;

    /** Inside a read burst of the connection (its reads up to channelReadComplete): flushes wait for its end. */
    private boolean reading;
    /** Frames were written to the connection and not flushed yet. */
    private boolean flushPending;
    /** {@link #endOfTurn} is queued on the event loop. */
    private boolean endOfTurnQueued;
    private final Runnable endOfTurn = this::endOfTurn;
    /** Streams that received data in this read burst and have a read pending: they deliver at its end. */
    private final ArrayList<SmuxStream> toDeliver = new ArrayList<>();

    private SmuxSession(Channel channel, SmuxConfig config, boolean client, String owner, StreamAcceptor acceptor,
                        int backlog) {
        this.channel = channel;
        this.config = config;
        this.client = client;
        this.owner = owner;
        this.acceptor = acceptor;
        this.backlog = backlog;
        this.loop = channel.eventLoop();
        this.closed = loop.newPromise();
        this.lastStreamId = client ? 1 : 0;
        this.bucket = config.maxReceiveBuffer();
    }

    /**
     * Starts a session on {@code channel}, an active connection that carries nothing else: adds the frame
     * codec and the session to the end of its pipeline, switches auto-read on (the session reads as long as
     * its receive budget lasts) and starts the keepalive.
     *
     * @param client   true on the side that dialed (odd stream ids), false on the listening side
     * @param owner    names the service or node in log lines
     * @param acceptor receives the streams the peer opens; {@code null} refuses them
     * @param backlog  how many opened streams may wait for the acceptor at once
     */
    public static SmuxSession start(Channel channel, SmuxConfig config, boolean client, String owner,
                                    StreamAcceptor acceptor, int backlog) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(config, "config");
        SmuxSession session = new SmuxSession(channel, config, client, Objects.requireNonNull(owner, "owner"),
                acceptor, Math.max(1, backlog));
        session.onLoop(session::begin);
        return session;
    }

    private void begin() {
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        channel.pipeline().addLast("gost-smux-decoder", new SmuxFrameDecoder());
        channel.pipeline().addLast("gost-smux-session", new Inbound());
        if (!channel.isActive()) {
            die("the connection closed before the session started");
            return;
        }
        if (!config.keepaliveDisabled()) {
            long interval = config.keepaliveInterval().toNanos();
            long timeout = config.keepaliveTimeout().toNanos();
            pinger = loop.scheduleAtFixedRate(this::ping, interval, interval, TimeUnit.NANOSECONDS);
            idleCheck = loop.scheduleAtFixedRate(this::checkIdle, timeout, timeout, TimeUnit.NANOSECONDS);
        }
        channel.config().setAutoRead(true);
    }

    /** The connection the session runs over. */
    public Channel channel() {
        return channel;
    }

    public SmuxConfig config() {
        return config;
    }

    /** True on the side that opens odd stream ids. */
    public boolean isClient() {
        return client;
    }

    /** False once the session died (or is dying); no stream can be opened then. */
    public boolean isActive() {
        return !dead && channel.isActive();
    }

    /** Completes when the session is over and its streams are closed. */
    public Future<Void> closeFuture() {
        return closed;
    }

    /** Why the session died, once it did: e.g. "no frame from the peer for 30s (mux.keepaliveTimeout)". */
    public String deathReason() {
        return deathReason;
    }

    /** Open streams; read it on the event loop for an exact figure. */
    public int streamCount() {
        return streams.size();
    }

    /** The peer, for messages. */
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /**
     * Opens a stream: sends SYN and completes with the stream, active, auto-read off. As in smux, nothing
     * waits for the peer: a peer that refuses the stream answers with FIN, which closes it. Fails when the
     * session is dead or has used up its stream ids. Cancelling the future closes the stream.
     */
    public Future<SmuxStream> openStream() {
        Promise<SmuxStream> opened = loop.newPromise();
        onLoop(() -> open(opened));
        return opened;
    }

    private void open(Promise<SmuxStream> opened) {
        if (!isActive()) {
            opened.tryFailure(new ClosedChannelException() {
                private static final long serialVersionUID = 1L;

                @Override
                public String getMessage() {
                    return "the smux session to " + remoteAddress() + " is closed"
                            + (deathReason == null ? "" : " (" + deathReason + ")");
                }
            });
            return;
        }
        if (goAway || lastStreamId + 2 > 0xFFFF_FFFFL) {
            goAway = true;
            opened.tryFailure(new IOException("the smux session to " + remoteAddress()
                    + " has used up its stream ids; a new session is needed"));
            return;
        }
        lastStreamId += 2;
        SmuxStream stream = new SmuxStream(this, (int) lastStreamId);
        streams.put(stream.streamId(), stream);
        loop.register(stream).addListener(registered -> {
            if (!registered.isSuccess()) {
                streams.remove(stream.streamId());
                opened.tryFailure(registered.cause());
                return;
            }
            // Flushed with what the stream's first write (a connector's request) adds in this turn.
            writeControl(SmuxFrame.SYN, stream.streamId());
            requestFlush();
            if (!opened.trySuccess(stream)) {
                stream.close();
            }
        });
    }

    /** Ends the session and every stream in it. */
    public void close() {
        onLoop(() -> die(null));
    }

    /**
     * Accepts no more streams from the peer (they are refused with FIN) and closes the session once its open
     * streams have ended: what a listener does to its sessions when it closes, so that a removed service
     * stops serving while its tunnels finish.
     */
    public void drain() {
        onLoop(() -> {
            draining = true;
            if (streams.isEmpty() && waitingForAcceptor == 0) {
                die(null);
            }
        });
    }

    // ---- used by the streams ----

    void writeData(int streamId, ByteBuf payload) {
        ByteBuf header = SmuxFrame.header(channel.alloc(), config.version(), SmuxFrame.PSH, payload.readableBytes(),
                streamId);
        // One buffer per frame: a message-based stage (WebSocket) then carries exactly one frame per message.
        channel.write(channel.alloc().compositeDirectBuffer(2).addComponents(true, header, payload),
                channel.voidPromise());
    }

    /**
     * Flushes what was written once this turn of the event loop is over: at the end of the connection's read
     * burst, or in a task that runs after the loop's other I/O. The frames of every stream written in one turn
     * (the relays of many streams each move a chunk per turn) then leave in one gathering write instead of a
     * system call each, and window updates ride along with them.
     */
    void requestFlush() {
        flushPending = true;
        queueEndOfTurn();
    }

    private void queueEndOfTurn() {
        if (!endOfTurnQueued) {
            endOfTurnQueued = true;
            loop.execute(endOfTurn);
        }
    }

    /**
     * Runs after the event loop's I/O of this turn: flushes what is pending. It also ends a read burst whose
     * channelReadComplete never came (a stage that hands bytes on from a task of its own), so that nothing
     * waits for it for ever; tasks run after the loop's I/O, so no burst is in progress here.
     */
    private void endOfTurn() {
        endOfTurnQueued = false;
        if (reading) {
            endOfRead();
        }
        flushNow();
    }

    private void endOfRead() {
        reading = false;
        if (!toDeliver.isEmpty()) {
            SmuxStream[] ready = toDeliver.toArray(new SmuxStream[0]);
            toDeliver.clear();
            for (SmuxStream stream : ready) {
                stream.deliverQueued();
            }
        }
        flushNow();
    }

    /** Flushes at once what was written: a stream that finds the connection not writable needs it gone now. */
    void flushNow() {
        if (flushPending) {
            flushPending = false;
            channel.flush();
        }
    }

    /** True while frames of the connection's current read are handed out: deliveries wait for its end. */
    boolean inReadBurst() {
        return reading;
    }

    /** A stream that received data with a read pending delivers it at the end of the read burst. */
    void deliverAtEndOfRead(SmuxStream stream) {
        toDeliver.add(stream);
        queueEndOfTurn();
    }

    void waitForWritable(SmuxStream stream) {
        waitingForWritable.add(stream);
    }

    /** Bytes a stream handed to its reader: back into the budget, and in version 2 acknowledged. */
    void consumed(SmuxStream stream, int bytes) {
        returnTokens(bytes);
        if (config.version() == 2 && stream.isOpen() && isActive()) {
            int acknowledged = stream.acknowledge(bytes, config.maxStreamBuffer() / 2);
            if (acknowledged != -1) {
                ByteBuf frame = channel.alloc().ioBuffer(SmuxFrame.HEADER_SIZE + SmuxFrame.UPD_SIZE);
                SmuxFrame.writeHeader(frame, config.version(), SmuxFrame.UPD, SmuxFrame.UPD_SIZE, stream.streamId());
                frame.writeIntLE(acknowledged);
                frame.writeIntLE(config.maxStreamBuffer());
                channel.write(frame, channel.voidPromise());
                requestFlush();
            }
        }
    }

    void returnTokens(long bytes) {
        bucket += bytes;
        if (bucket > 0 && !dead && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    void streamClosed(SmuxStream stream, long unreadBytes, boolean sendFin) {
        if (streams.get(stream.streamId()) == stream) {
            streams.remove(stream.streamId());
        }
        if (sendFin && isActive()) {
            writeControl(SmuxFrame.FIN, stream.streamId());
            requestFlush();
        }
        if (unreadBytes > 0) {
            returnTokens(unreadBytes);
        }
        if (draining && streams.isEmpty() && waitingForAcceptor == 0) {
            die(null);
        }
    }

    // ---- the connection's side ----

    private void writeControl(int command, int streamId) {
        channel.write(SmuxFrame.header(channel.alloc(), config.version(), command, 0, streamId),
                channel.voidPromise());
    }

    private void ping() {
        if (isActive()) {
            writeControl(SmuxFrame.NOP, 0);
            requestFlush();
        }
    }

    private void checkIdle() {
        if (!frameSinceCheck && bucket > 0) {
            die("no frame from the peer for " + config.keepaliveTimeout().toMillis() + "ms (mux.keepaliveTimeout)");
            return;
        }
        frameSinceCheck = false;
    }

    private void onFrame(SmuxFrame frame) {
        try {
            frameSinceCheck = true;
            if (frame.version() != config.version()) {
                protocolError("sent a frame of smux version " + frame.version() + " where version "
                        + config.version() + " was agreed (mux.version must be the same on both ends)");
                return;
            }
            int length = frame.payload().readableBytes();
            int streamId = frame.streamId();
            switch (frame.command()) {
                case SmuxFrame.NOP -> {
                    if (length != 0) {
                        protocolError("sent a NOP frame with " + length + " bytes of payload");
                    }
                }
                case SmuxFrame.SYN -> {
                    if (length != 0) {
                        protocolError("sent a SYN frame with " + length + " bytes of payload");
                    } else if (!streams.containsKey(streamId)) {
                        accept(streamId);
                    }
                }
                case SmuxFrame.FIN -> {
                    if (length != 0) {
                        protocolError("sent a FIN frame with " + length + " bytes of payload");
                    } else {
                        SmuxStream stream = streams.get(streamId);
                        if (stream != null) {
                            stream.finReceived();
                        }
                    }
                }
                case SmuxFrame.PSH -> {
                    SmuxStream stream = streams.get(streamId);
                    if (length > 0 && stream != null) {
                        bucket -= length;
                        stream.received(frame.payload().retain());
                    }
                }
                case SmuxFrame.UPD -> {
                    if (config.version() != 2) {
                        protocolError("sent a window update (UPD), which smux version 1 does not have");
                    } else if (length != SmuxFrame.UPD_SIZE) {
                        protocolError("sent an UPD frame of " + length + " bytes, not " + SmuxFrame.UPD_SIZE);
                    } else {
                        SmuxStream stream = streams.get(streamId);
                        if (stream != null) {
                            ByteBuf payload = frame.payload();
                            stream.windowUpdate(payload.getIntLE(payload.readerIndex()),
                                    payload.getIntLE(payload.readerIndex() + 4));
                        }
                    }
                }
                default -> protocolError("sent an unknown smux command " + frame.command());
            }
        } finally {
            frame.release();
        }
        if (bucket <= 0 && channel.config().isAutoRead()) {
            // smux's recvLoop waits for tokens: the streams' readers must catch up first.
            channel.config().setAutoRead(false);
        }
    }

    private void accept(int streamId) {
        if (acceptor == null || dead || draining) {
            LOGGER.debug("{}: refusing stream {} opened by {}: this side accepts no streams (now)", owner,
                    Integer.toUnsignedString(streamId), remoteAddress());
            writeControl(SmuxFrame.FIN, streamId);
            requestFlush();
            return;
        }
        if (waitingForAcceptor >= backlog) {
            LOGGER.warn("{}: connection queue is full (backlog {}); stream {} from {} refused", owner, backlog,
                    Integer.toUnsignedString(streamId), remoteAddress());
            writeControl(SmuxFrame.FIN, streamId);
            requestFlush();
            return;
        }
        SmuxStream stream = new SmuxStream(this, streamId);
        streams.put(streamId, stream);
        waitingForAcceptor++;
        loop.register(stream).addListener(registered -> {
            if (!registered.isSuccess()) {
                waitingForAcceptor--;
                streams.remove(streamId);
                writeControl(SmuxFrame.FIN, streamId);
                requestFlush();
                return;
            }
            // Handed over after the frames of this read are processed: a burst of SYNs beyond the backlog is
            // refused instead of piling up, as GOST's bounded accept queue does.
            loop.execute(() -> {
                waitingForAcceptor--;
                if (!stream.isOpen()) {
                    return;
                }
                try {
                    acceptor.accept(stream);
                } catch (RuntimeException e) {
                    LOGGER.warn("{}: the service failed to take stream {} from {}; closing it", owner,
                            Integer.toUnsignedString(streamId), remoteAddress(), e);
                    stream.close();
                }
            });
        });
    }

    private void protocolError(String what) {
        LOGGER.warn("{}: smux peer {} {}; closing the session and its {} streams", owner, remoteAddress(), what,
                streams.size());
        die("the peer " + what);
    }

    private void die(String reason) {
        if (dead) {
            return;
        }
        dead = true;
        deathReason = reason;
        if (reason != null && !reason.startsWith("the peer")) {
            LOGGER.info("{}: smux session with {} closed: {}", owner, remoteAddress(), reason);
        }
        if (pinger != null) {
            pinger.cancel(false);
            idleCheck.cancel(false);
        }
        channel.close();
        closeStreams();
    }

    private void closeStreams() {
        if (!streams.isEmpty()) {
            List<SmuxStream> open = new ArrayList<>(streams.values());
            streams.clear();
            for (SmuxStream stream : open) {
                stream.sessionClosed();
            }
        }
        waitingForWritable.clear();
        toDeliver.clear();
        closed.trySuccess(null);
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    @Override
    public String toString() {
        return "SmuxSession[" + owner + (client ? " client " : " server ") + channel + ", " + streams.size()
                + " streams, " + config.describe() + "]";
    }

    /** The session's handler at the end of the connection's pipeline. */
    private final class Inbound extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof SmuxFrame frame) {
                reading = true;
                if (dead) {
                    frame.release();
                } else {
                    onFrame(frame);
                }
            } else {
                ctx.fireChannelRead(message);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            endOfRead();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            while (channel.isWritable()) {
                SmuxStream stream = waitingForWritable.poll();
                if (stream == null) {
                    break;
                }
                stream.resumeWrites();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!dead) {
                dead = true;
                deathReason = "the connection closed";
                if (pinger != null) {
                    pinger.cancel(false);
                    idleCheck.cancel(false);
                }
                LOGGER.debug("{}: smux session with {} ended: the connection closed", owner, remoteAddress());
            }
            closeStreams();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!dead) {
                LOGGER.info("{}: smux session with {} failed: {}", owner, remoteAddress(), String.valueOf(
                        cause.getMessage()));
                die("the connection failed: " + cause.getMessage());
            }
        }
    }
}
