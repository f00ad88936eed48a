package io.gost.plugin.mux.transport;

import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Transport;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.mux.smux.SmuxSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multiplexing listener ({@code mtcp}; {@code mtls}, {@code mws}, {@code mwss} with their stages): each
 * accepted TCP connection, once its {@link SessionStage} is done, carries one server-side smux session, and
 * each stream the client opens is handed to the service like a connection (active, auto-read off). At most
 * {@code backlog} opened streams wait for the service at once per session; more are refused with a FIN and
 * a log line. Closing the listener stops accepting connections and streams: its sessions refuse new streams
 * and close once the streams they carry have ended, as the connections a closed TCP listener accepted do.
 */
final class MuxListener implements Listener {

    private static final Logger LOGGER = LoggerFactory.getLogger(MuxListener.class);
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String type;
    private final String owner;
    private final SmuxConfig config;
    private final int backlog;
    private final boolean keepAlive;
    private final SessionStage stage;
    /** Run once before binding: a TLS server makes or checks its certificate there. */
    private final Runnable onBind;
    private final Object lock = new Object();
    private Channel serverChannel;
    private boolean closed;
    /** Sessions started by this listener and not over yet: closing the listener drains them. */
    private final Set<SmuxSession> sessions = ConcurrentHashMap.newKeySet();

    MuxListener(String type, String owner, SmuxConfig config, int backlog, boolean keepAlive, SessionStage stage) {
        this(type, owner, config, backlog, keepAlive, stage, () -> { });
    }

    MuxListener(String type, String owner, SmuxConfig config, int backlog, boolean keepAlive, SessionStage stage,
                Runnable onBind) {
        this.onBind = Objects.requireNonNull(onBind, "onBind");
        this.type = type;
        this.owner = owner;
        this.config = config;
        this.backlog = backlog;
        this.keepAlive = keepAlive;
        this.stage = stage;
    }

    @Override
    public Future<SocketAddress> bind(ListenContext context) {
        Objects.requireNonNull(context, "context");
        InetSocketAddress address = context.address();
        Promise<SocketAddress> bound = ImmediateEventExecutor.INSTANCE.newPromise();
        Transport transport = context.transport();
        onBind.run();
        ChannelFuture bindFuture;
        synchronized (lock) {
            if (closed || serverChannel != null) {
                return bound.setFailure(new IllegalStateException(owner + ": " + type + " listener for " + address
                        + (closed ? " was closed" : " is already bound")));
            }
            // The socket is created here, on the calling thread (the service's network namespace).
            bindFuture = new ServerBootstrap()
                    .group(transport.acceptorGroup(), transport.ioGroup())
                    .channelFactory(transport.serverSocketChannelFactory())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.SO_KEEPALIVE, keepAlive)
                    .childHandler(new SessionStarter(context.acceptor()))
                    .bind(address);
            serverChannel = bindFuture.channel();
        }
        bindFuture.addListener(done -> {
            if (done.isSuccess()) {
                bound.trySuccess(bindFuture.channel().localAddress());
            } else if (done.cause() instanceof IOException cause) {
                BindException failure = new BindException(owner + ": cannot listen on " + type + " " + address + ": "
                        + cause.getMessage());
                failure.initCause(cause);
                bound.tryFailure(failure);
            } else {
                bound.tryFailure(done.cause());
            }
        });
        return bound;
    }

    @Override
    public void close() {
        Channel toClose;
        synchronized (lock) {
            closed = true;
            toClose = serverChannel;
        }
        // A session is a source of new connections: it takes no more streams once the listener is closed,
        // and ends when the streams it has end.
        sessions.forEach(SmuxSession::drain);
        if (toClose == null || !toClose.isOpen()) {
            return;
        }
        ChannelFuture closing = toClose.close();
        if (!toClose.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "MuxListener[" + type + ", " + owner + ", backlog=" + backlog + ", " + config.describe() + "]";
    }

    /** Runs the stage on each accepted connection, then starts its session. */
    @Sharable
    private final class SessionStarter extends ChannelInboundHandlerAdapter {

        private final ListenContext.Acceptor acceptor;

        SessionStarter(ListenContext.Acceptor acceptor) {
            this.acceptor = acceptor;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel channel = ctx.channel();
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
            stage.accepted(channel).addListener(ready -> {
                if (!ready.isSuccess()) {
                    // The TLS and WebSocket stages have said why in the log already.
                    LOGGER.debug("{}: {} connection from {} closed: {}", owner, type, channel.remoteAddress(),
                            ready.cause().getMessage());
                    channel.close();
                    return;
                }
                boolean listenerClosed;
                synchronized (lock) {
                    listenerClosed = closed;
                }
                if (listenerClosed) {
                    channel.close();
                    return;
                }
                SmuxSession session = SmuxSession.start(channel, config, false, owner, acceptor::accept, backlog);
                sessions.add(session);
                session.closeFuture().addListener(over -> sessions.remove(session));
            });
        }
    }
}
