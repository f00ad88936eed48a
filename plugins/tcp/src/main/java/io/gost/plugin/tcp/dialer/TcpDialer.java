package io.gost.plugin.tcp.dialer;

import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.api.Transport;
import io.gost.plugin.tcp.SocketReads;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Opens a plain TCP connection on the runtime's transport.
 *
 * <p>{@link #dial} creates the socket on the calling thread (the runtime relies on this to place it in a
 * network namespace), registers it on {@link DialContext#eventLoop()}, resolves an unresolved address
 * with {@link Transport#resolver()} and connects within {@link DialContext#timeout()}. The connected
 * channel has auto-read off, half-closure allowed, {@code TCP_NODELAY} on, {@code SO_KEEPALIVE} as
 * configured, and an empty pipeline. Holds nothing between dials, so {@link #close} has nothing to do.
 */
public final class TcpDialer implements Dialer {

    private final boolean keepAlive;
    /** Bootstrap insists on a handler; this one removes itself at registration and leaves the pipeline empty. */
    private final ChannelHandler emptyPipeline = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel channel) {
        }
    };

    TcpDialer(boolean keepAlive) {
        this.keepAlive = keepAlive;
    }

    /**
     * Connects to {@code address}. The future completes on {@code context.eventLoop()} with the connected
     * channel, or fails with the transport's exception: {@link java.net.ConnectException} when refused,
     * {@link io.netty.channel.ConnectTimeoutException} (a {@code ConnectException}) when the timeout
     * passes, {@link java.net.UnknownHostException} when the name does not resolve. The socket is
     * closed before the future fails, and when the caller cancels the future before it completes.
     *
     * <p>The timeout bounds name resolution and the TCP connect together; a non-positive timeout means
     * none. The timer is this dialer's, not Netty's: Netty's epoll channel keeps its cancelled connect
     * timer (64 bytes and a closure) for the whole life of the connection, which an idle proxied pair
     * should not pay for; ours is dropped as soon as the connect completes.
     */
    @Override
    public Future<Channel> dial(InetSocketAddress address, DialContext context) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(context, "context");
        EventLoop eventLoop = context.eventLoop();
        Transport transport = context.transport();
        Promise<Channel> connected = eventLoop.newPromise();
        int timeoutMillis = connectTimeoutMillis(context.timeout());
        // Set by the timer, on the event loop, before it closes the socket: the failure to report.
        ConnectTimeoutException[] timedOut = {null};
        // Bootstrap.connect creates the socket here, on the calling thread.
        Bootstrap bootstrap = new Bootstrap();
        // What the runtime asks of the socket (GOST's interface and so_mark): set before it connects.
        context.socketOptions().forEach((option, value) -> setOption(bootstrap, option, value));
        context.localAddress().ifPresent(bootstrap::localAddress);
        ChannelFuture connect = bootstrap
                .group(eventLoop)
                .channelFactory(transport.socketChannelFactory())
                .resolver(transport.resolver())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // our own timer below; 0 is not Netty's default
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // TCP_NODELAY is Netty's default for every socket channel; setting it again costs a syscall.
                .option(ChannelOption.SO_KEEPALIVE, keepAlive)
                .option(ChannelOption.RCVBUF_ALLOCATOR, SocketReads.allocator())
                .handler(emptyPipeline)
                .connect(address);
        if (timeoutMillis > 0 && !connect.isDone()) {
            ScheduledFuture<?> timer = eventLoop.schedule(() -> {
                if (!connect.isDone()) {
                    timedOut[0] = new ConnectTimeoutException(
                            "connection timed out after " + timeoutMillis + " ms: " + address);
                    connect.channel().close();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            // Cancelled on the event loop, so Netty takes it out of the timer queue at once.
            connect.addListener(done -> timer.cancel(false));
        }
        connect.addListener(done -> {
            if (done.isSuccess()) {
                if (!connected.trySuccess(connect.channel())) {
                    // The caller gave up (cancelled) while we were connecting: nobody will own this channel.
                    connect.channel().close();
                }
            } else {
                // Bootstrap closes the channel too, but possibly after this listener: report the failure only
                // once the socket is gone, so that a failed dial never leaves a descriptor behind.
                Channel channel = connect.channel();
                Throwable failure = timedOut[0] != null ? timedOut[0] : done.cause();
                if (channel.isRegistered() && channel.isOpen()) {
                    channel.close().addListener(closed -> connected.tryFailure(failure));
                } else {
                    connected.tryFailure(failure);
                }
            }
        });
        connected.addListener(done -> {
            if (done.isCancelled()) {
                connect.cancel(false);
                connect.channel().close();
            }
        });
        return connected;
    }

    @SuppressWarnings("unchecked")
    private static <T> void setOption(Bootstrap bootstrap, io.netty.channel.ChannelOption<T> option, Object value) {
        bootstrap.option(option, (T) value);
    }

    /** Netty counts the connect timeout in int milliseconds, 0 meaning none. */
    static int connectTimeoutMillis(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        // Round a sub-millisecond timeout up rather than down to "no timeout".
        return (int) Math.max(1, timeout.toMillis());
    }

    @Override
    public String toString() {
        return "TcpDialer[keepalive=" + keepAlive + "]";
    }
}
