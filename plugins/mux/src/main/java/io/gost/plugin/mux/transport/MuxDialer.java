package io.gost.plugin.mux.transport;

import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.mux.smux.SmuxSession;
import io.gost.plugin.mux.smux.SmuxStream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A multiplexing dialer: one smux session per node address and I/O thread, a stream per dial. The first dial
 * to an address from an event loop connects (creating the socket on the calling thread, so in the node's
 * network namespace) and starts a client session on that loop; later dials from the same loop open streams on
 * it, and dials made while it is being set up wait for it.
 *
 * <p>Why per I/O thread (GOST keeps one session per node): a stream is a child of its session's channel and
 * lives on its event loop, and the runtime hands handlers dialed channels on the client's own loop, which
 * handlers rely on. A session per loop keeps that contract without handing every byte between threads; the
 * number of sessions to a node is then at most the number of I/O threads (a handful).
 *
 * <p>A dead session is never reused: it is forgotten the moment its connection closes or fails, the peer
 * breaks the protocol, or the keepalive finds it silent, so the dial after an outage that is over opens a
 * fresh session instead of failing on the dead one (GOST keeps a session whose connection failed until a
 * stream open fails on it, so the first request after an outage fails there).
 */
final class MuxDialer implements Dialer {

    private final String type;
    private final String owner;
    private final SmuxConfig config;
    private final boolean keepAlive;
    private final SessionStage stage;
    /** Bounds connecting plus the stage (TLS, WebSocket) of a new session; zero for none but the dial timeout. */
    private final Duration handshakeTimeout;
    /** Sessions by node address and event loop, set up or being set up; guarded by {@code this}. */
    private final Map<Key, Future<SmuxSession>> sessions = new HashMap<>();

    private record Key(String address, EventLoop loop) {
    }
    private boolean closed;

    MuxDialer(String type, String owner, SmuxConfig config, boolean keepAlive, SessionStage stage,
              Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
        this.type = type;
        this.owner = owner;
        this.config = config;
        this.keepAlive = keepAlive;
        this.stage = stage;
    }

    @Override
    public Future<Channel> dial(InetSocketAddress address, DialContext context) {
        Key key = new Key(address.getHostString() + ":" + address.getPort(), context.eventLoop());
        Future<SmuxSession> session;
        synchronized (this) {
            if (closed) {
                return context.eventLoop().newFailedFuture(new IllegalStateException(type + " dialer of " + owner
                        + " is closed"));
            }
            session = sessions.get(key);
            if (session == null || isDead(session)) {
                session = connect(key, address, context);
                sessions.put(key, session);
            }
        }
        Promise<Channel> result = context.eventLoop().newPromise();
        session.addListener(ready -> {
            if (!ready.isSuccess()) {
                result.tryFailure(ready.cause());
                return;
            }
            Future<SmuxStream> opened = ((SmuxSession) ready.getNow()).openStream();
            opened.addListener(done -> {
                if (!done.isSuccess()) {
                    result.tryFailure(done.cause());
                } else if (!result.trySuccess(opened.getNow())) {
                    opened.getNow().close();
                }
            });
        });
        return result;
    }

    private static boolean isDead(Future<SmuxSession> session) {
        return session.isDone() && (!session.isSuccess() || !session.getNow().isActive());
    }

    private Future<SmuxSession> connect(Key key, InetSocketAddress address, DialContext context) {
        Promise<SmuxSession> ready = context.eventLoop().newPromise();
        ChannelFuture connect = new Bootstrap()
                .group(context.eventLoop())
                .channelFactory(context.transport().socketChannelFactory())
                .resolver(context.transport().resolver())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis(context.timeout()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_KEEPALIVE, keepAlive)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                    }
                })
                .connect(address);
        if (!handshakeTimeout.isZero()) {
            var timer = context.eventLoop().schedule(() -> {
                if (ready.tryFailure(new java.net.SocketTimeoutException("no " + type + " session with " + key.address()
                        + " within " + handshakeTimeout.toMillis() + "ms (handshakeTimeout)"))) {
                    forget(key, ready);
                    connect.channel().close();
                }
            }, handshakeTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            ready.addListener(done -> timer.cancel(false));
        }
        connect.addListener(connected -> {
            Channel channel = connect.channel();
            if (ready.isDone()) {
                channel.close(); // timed out meanwhile
                return;
            }
            if (!connected.isSuccess()) {
                channel.close();
                forget(key, ready);
                ready.tryFailure(connected.cause());
                return;
            }
            stage.dialed(channel, address).addListener(staged -> {
                if (!staged.isSuccess()) {
                    channel.close();
                    forget(key, ready);
                    ready.tryFailure(staged.cause());
                    return;
                }
                SmuxSession session = SmuxSession.start(channel, config, true, owner, null, 0);
                session.closeFuture().addListener(over -> forget(key, ready));
                if (!ready.trySuccess(session)) {
                    session.close();
                }
            });
        });
        return ready;
    }

    private synchronized void forget(Key key, Future<SmuxSession> session) {
        sessions.remove(key, session);
    }

    /** Sessions currently kept, for tests. */
    synchronized int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        List<Future<SmuxSession>> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        for (Future<SmuxSession> session : open) {
            session.addListener(ready -> {
                if (ready.isSuccess()) {
                    ((SmuxSession) ready.getNow()).close();
                }
            });
        }
    }

    static int connectTimeoutMillis(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    @Override
    public String toString() {
        return "MuxDialer[" + type + ", " + owner + ", " + config.describe() + "]";
    }
}
