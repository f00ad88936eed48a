package io.gost.plugin.ws.testing;

import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.api.Transport;
import io.gost.plugin.ws.dialer.WsDialerFactory;
import io.gost.plugin.ws.dialer.WssDialerFactory;
import io.gost.plugin.ws.listener.WsListenerFactory;
import io.gost.plugin.ws.listener.WssListenerFactory;
import io.gost.testkit.TestTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The ws and wss listeners and dialers, made by their factories, on real loopback sockets, with an echo
 * service behind each listener. Everything made is closed by {@link #close}.
 */
public final class WsFixture implements AutoCloseable {

    private final TestTransport transport = new TestTransport();
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
    private final List<Channel> accepted = new CopyOnWriteArrayList<>();

    public List<Channel> accepted() {
        return accepted;
    }

    public static PluginContext context(String owner, TlsOptions tls) {
        return new PluginContext() {
            @Override
            public String ownerName() {
                return owner;
            }

            @Override
            public Optional<TlsOptions> tls() {
                return Optional.ofNullable(tls);
            }
        };
    }

    /** A ws (or wss) listener with {@code metadata}, bound on loopback, echoing. */
    public InetSocketAddress echoServer(boolean tls, Metadata metadata) throws Exception {
        Listener listener = tls ? new WssListenerFactory().create(metadata, context("test-server", null))
                : new WsListenerFactory().create(metadata, context("test-server", null));
        opened.add(listener);
        Future<SocketAddress> bound = listener.bind(new ListenContext() {
            @Override
            public InetSocketAddress address() {
                return new InetSocketAddress("127.0.0.1", 0);
            }

            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public Acceptor acceptor() {
                return WsFixture.this::echo;
            }
        });
        if (!bound.await(10, TimeUnit.SECONDS) || !bound.isSuccess()) {
            throw new AssertionError("bind failed", bound.cause());
        }
        return (InetSocketAddress) bound.getNow();
    }

    private void echo(Channel channel) {
        accepted.add(channel);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                ctx.writeAndFlush(message);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof ChannelInputShutdownEvent) {
                    ((DuplexChannel) ctx.channel()).shutdownOutput();
                }
                ctx.fireUserEventTriggered(event);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        channel.config().setAutoRead(true);
    }

    /** A ws (or wss) dialer with {@code metadata}. */
    public Dialer dialer(boolean tls, Metadata metadata) {
        Dialer dialer = tls ? new WssDialerFactory().create(metadata, context("test-client", null))
                : new WsDialerFactory().create(metadata, context("test-client", null));
        opened.add(dialer);
        return dialer;
    }

    /** Dials and waits for the outcome. */
    public Future<Channel> dial(Dialer dialer, InetSocketAddress address) throws InterruptedException {
        EventLoop loop = transport.ioGroup().next();
        Future<Channel> dialed = dialer.dial(address, new DialContext() {
            @Override
            public EventLoop eventLoop() {
                return loop;
            }

            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(10);
            }
        });
        dialed.await(20, TimeUnit.SECONDS);
        if (dialed.isSuccess()) {
            opened.add(() -> dialed.getNow().close());
        }
        return dialed;
    }

    /** Sends {@code bytes} and returns as many bytes as came back once that many arrived. */
    public static byte[] exchange(Channel channel, byte[] bytes) throws Exception {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                ByteBuf buffer = (ByteBuf) message;
                try {
                    byte[] chunk = new byte[buffer.readableBytes()];
                    buffer.readBytes(chunk);
                    received.writeBytes(chunk);
                } finally {
                    buffer.release();
                }
                if (received.size() >= bytes.length) {
                    answer.complete(received.toByteArray());
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                answer.completeExceptionally(new AssertionError("closed after " + received.size() + " bytes"));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                answer.completeExceptionally(cause);
                ctx.close();
            }
        });
        channel.config().setAutoRead(true);
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        return answer.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        transport.close();
    }
}
