package io.gost.plugin.tcp.dialer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Dialer;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.tcp.SocketReads;
import io.gost.plugin.tcp.testing.TestDialContext;
import io.gost.testkit.EchoServer;
import io.gost.testkit.TestTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpDialerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TestTransport transport = new TestTransport();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        transport.close();
    }

    private Dialer dialer(Metadata metadata) {
        return new TcpDialerFactory().create(metadata, PluginContext.named("node-0"));
    }

    private EchoServer echoServer() throws IOException {
        EchoServer server = EchoServer.start();
        resources.add(server);
        return server;
    }

    private Channel connected(Future<Channel> dial) throws Exception {
        Channel channel = dial.get(5, TimeUnit.SECONDS);
        resources.add(() -> channel.close().sync());
        return channel;
    }

    @Test
    void connectsAndHandsBackAnActiveChannelOnTheGivenEventLoopWithAnEmptyPipeline() throws Exception {
        EventLoop eventLoop = transport.ioGroup().next();

        Channel channel = connected(dialer(Metadata.empty())
                .dial(echoServer().address(), new TestDialContext(eventLoop, transport, TIMEOUT)));

        assertThat(channel.isActive()).as("active").isTrue();
        assertThat(channel.eventLoop()).isSameAs(eventLoop);
        assertThat(channel.pipeline().first()).as("first handler in the pipeline").isNull();
    }

    @Test
    void dialedChannelsHaveAutoReadOffHalfClosureAllowedNoDelayAndKeepaliveByDefault() throws Exception {
        Channel channel = connected(dialer(Metadata.empty())
                .dial(echoServer().address(), new TestDialContext(transport.ioGroup().next(), transport, TIMEOUT)));

        assertThat(channel.config().isAutoRead()).as("auto-read").isFalse();
        assertThat(channel.config().getOption(ChannelOption.ALLOW_HALF_CLOSURE)).as("ALLOW_HALF_CLOSURE").isTrue();
        assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).as("TCP_NODELAY").isTrue();
        assertThat(channel.config().getOption(ChannelOption.SO_KEEPALIVE)).as("SO_KEEPALIVE").isTrue();
    }

    @Test
    void dialedChannelsReadUpTo128KiBAtATime() throws Exception {
        Channel channel = connected(dialer(Metadata.empty())
                .dial(echoServer().address(), new TestDialContext(transport.ioGroup().next(), transport, TIMEOUT)));

        assertThat((Object) channel.config().getRecvByteBufAllocator()).isSameAs(SocketReads.allocator());
        assertThat(SocketReads.MAX_READ_BYTES).isEqualTo(128 * 1024);
    }

    @Test
    void keepaliveFalseTurnsOffSoKeepalive() throws Exception {
        Channel channel = connected(dialer(Metadata.of("keepalive", "false"))
                .dial(echoServer().address(), new TestDialContext(transport.ioGroup().next(), transport, TIMEOUT)));

        assertThat(channel.config().getOption(ChannelOption.SO_KEEPALIVE)).as("SO_KEEPALIVE").isFalse();
    }

    @Test
    void createsTheSocketOnTheThreadThatCallsDial() throws Exception {
        InetSocketAddress target = echoServer().address();
        Dialer dialer = dialer(Metadata.empty());
        AtomicReference<Future<Channel>> dial = new AtomicReference<>();
        Thread caller = new Thread(
                () -> dial.set(dialer.dial(target, new TestDialContext(transport.ioGroup().next(), transport, TIMEOUT))),
                "dialing-thread");

        caller.start();
        caller.join(5_000);

        connected(dial.get());
        assertThat(transport.socketCreators()).containsExactly(caller);
    }

    @Test
    void resolvesAnUnresolvedAddressWithTheTransportResolver() throws Exception {
        InetAddress localhost = InetAddress.getByName("localhost");
        EchoServer server = EchoServer.start(localhost);
        resources.add(server);
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("localhost", server.address().getPort());

        Channel channel = connected(dialer(Metadata.empty())
                .dial(unresolved, new TestDialContext(transport.ioGroup().next(), transport, TIMEOUT)));

        assertThat(((InetSocketAddress) channel.remoteAddress()).getAddress()).isEqualTo(localhost);
    }

    @Test
    void aRefusedConnectionFailsWithConnectException() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = (InetSocketAddress) probe.getLocalSocketAddress();
        }

        Future<Channel> dial = dialer(Metadata.empty())
                .dial(closedPort, new TestDialContext(transport.ioGroup().next(), transport, TIMEOUT));

        assertThat(dial.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dial.cause()).isInstanceOf(ConnectException.class);
        assertThat(transport.createdSockets()).allSatisfy(socket -> assertThat(socket.isOpen()).isFalse());
    }

    @Test
    void aTargetThatNeverAnswersFailsWithConnectTimeoutExceptionAfterTheTimeout() throws Exception {
        InetSocketAddress silent = silentTarget();
        Duration timeout = Duration.ofMillis(300);
        long started = System.nanoTime();

        Future<Channel> dial = dialer(Metadata.empty())
                .dial(silent, new TestDialContext(transport.ioGroup().next(), transport, timeout));

        assertThat(dial.await(10, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(dial.cause()).isInstanceOf(ConnectTimeoutException.class);
        assertThat(took).isGreaterThanOrEqualTo(timeout.minusMillis(50)).isLessThan(Duration.ofSeconds(5));
        assertThat(transport.createdSockets()).allSatisfy(socket -> assertThat(socket.isOpen()).isFalse());
    }

    @Test
    void cancellingADialInProgressClosesItsSocket() throws Exception {
        InetSocketAddress silent = silentTarget();
        Future<Channel> dial = dialer(Metadata.empty())
                .dial(silent, new TestDialContext(transport.ioGroup().next(), transport, Duration.ofSeconds(20)));

        assertThat(dial.cancel(false)).isTrue();

        Channel socket = transport.createdSockets().get(0);
        assertThat(socket.closeFuture().await(5, TimeUnit.SECONDS)).as("socket closed").isTrue();
    }

    /**
     * A loopback address whose accept queue is full, so that the kernel drops further SYNs and a connect
     * waits until it times out: a way to test timeouts without leaving loopback.
     */
    private InetSocketAddress silentTarget() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        resources.add(server);
        InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
        for (int attempt = 0; attempt < 64; attempt++) {
            Socket filler = new Socket();
            resources.add(filler);
            try {
                filler.connect(address, 200);
            } catch (SocketTimeoutException queueFull) {
                return address;
            }
        }
        throw new IllegalStateException("the accept queue of " + address + " never filled up; cannot test timeouts here");
    }

    @Test
    void connectTimeoutIsConvertedToNettyMillisecondsWithZeroMeaningNone() {
        assertThat(TcpDialer.connectTimeoutMillis(Duration.ofSeconds(15))).isEqualTo(15_000);
        assertThat(TcpDialer.connectTimeoutMillis(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(TcpDialer.connectTimeoutMillis(Duration.ZERO)).isZero();
        assertThat(TcpDialer.connectTimeoutMillis(Duration.ofDays(365))).isEqualTo(Integer.MAX_VALUE);
    }
}
