package io.gost.plugin.tls.testing;

import io.gost.api.DialContext;
import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.api.Transport;
import io.gost.plugin.tcp.dialer.TcpDialerFactory;
import io.gost.plugin.tcp.listener.TcpListenerFactory;
import io.gost.plugin.tls.stage.ClientTls;
import io.gost.plugin.tls.stage.ServerTls;
import io.gost.plugin.tls.stage.StagedDialer;
import io.gost.plugin.tls.stage.StagedListener;
import io.gost.plugin.tls.stage.TlsEngine;
import io.gost.plugin.tls.stage.TlsStage;
import io.gost.testkit.TestTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * TLS listeners and dialers on real loopback sockets for one test class: made of the tcp plugin's listener
 * and dialer and the TLS stage, on a chosen engine, with an echo service behind each listener. Everything
 * made is closed by {@link #close}.
 */
public final class TlsFixture implements AutoCloseable {

    private final TestTransport transport = new TestTransport();
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
    /** Channels the echo services accepted, in order. */
    private final List<Channel> accepted = new CopyOnWriteArrayList<>();

    public Transport transport() {
        return transport;
    }

    public List<Channel> accepted() {
        return accepted;
    }

    /** A PluginContext that gives a plugin {@code options} as its tls block. */
    public static PluginContext context(String owner, TlsOptions options) {
        return new PluginContext() {
            @Override
            public String ownerName() {
                return owner;
            }

            @Override
            public Optional<TlsOptions> tls() {
                return Optional.ofNullable(options);
            }
        };
    }

    /** A TLS echo server on 127.0.0.1, as the tls listener is made. */
    public InetSocketAddress echoServer(ServerTls tls, Duration handshakeTimeout) throws Exception {
        Listener tcp = new TcpListenerFactory().create(Metadata.empty(), PluginContext.named("test-server"));
        StagedListener listener = new StagedListener(tcp, TlsStage.server(tls, handshakeTimeout, "test-server"),
                tls::start, "test-server");
        return bind(listener);
    }

    /** Binds {@code listener} on an ephemeral loopback port with an echo service behind it. */
    public InetSocketAddress bind(Listener listener) throws Exception {
        opened.add(listener);
        ListenContext context = new ListenContext() {
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
                return TlsFixture.this::echo;
            }
        };
        Future<java.net.SocketAddress> bound = listener.bind(context);
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
                if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                    ((io.netty.channel.socket.DuplexChannel) ctx.channel()).shutdownOutput();
                }
                ctx.fireUserEventTriggered(event);
            }
        });
        channel.config().setAutoRead(true);
    }

    /** A TLS dialer as the tls dialer is made. */
    public StagedDialer dialer(ClientTls tls, Duration handshakeTimeout) {
        StagedDialer dialer = new StagedDialer(new TcpDialerFactory().create(Metadata.empty(),
                PluginContext.named("test-client")), TlsStage.client(tls, handshakeTimeout));
        opened.add(dialer);
        return dialer;
    }

    /** Dials {@code address} (host name as written) and waits for the stage's outcome. */
    public Future<Channel> dial(StagedDialer dialer, InetSocketAddress address) throws InterruptedException {
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

    /** Sends {@code text} on {@code channel} and returns the first {@code text.length()} bytes that come back. */
    public static String exchange(Channel channel, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<String> answer = new CompletableFuture<>();
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
                    answer.complete(received.toString(StandardCharsets.UTF_8));
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
        return answer.get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code request} on {@code channel} and returns everything that comes back until the peer ends. */
    public static String request(Channel channel, String request) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
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
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                    answer.complete(received.toString(StandardCharsets.UTF_8));
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                answer.complete(received.toString(StandardCharsets.UTF_8));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                answer.complete(received.toString(StandardCharsets.UTF_8));
                ctx.close();
            }
        });
        channel.config().setAutoRead(true);
        channel.writeAndFlush(Unpooled.wrappedBuffer(request.getBytes(StandardCharsets.UTF_8)));
        return answer.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        transport.close();
    }

    /** The engines to test on: both, failing loudly where OpenSSL should load and does not. */
    public static List<TlsEngine> engines() {
        boolean linuxX86 = System.getProperty("os.name").toLowerCase().contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        if (linuxX86 && !TlsEngine.OPENSSL.isAvailable()) {
            throw new AssertionError("OpenSSL (netty-tcnative) should load on linux-x86_64 but does not: "
                    + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
        }
        return TlsEngine.OPENSSL.isAvailable() ? List.of(TlsEngine.OPENSSL, TlsEngine.JDK) : List.of(TlsEngine.JDK);
    }
}
