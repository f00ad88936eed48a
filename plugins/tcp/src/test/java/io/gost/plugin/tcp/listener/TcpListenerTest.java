package io.gost.plugin.tcp.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.InvalidMetadataException;
import io.gost.api.ListenContext.Acceptor;
import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.tcp.SocketReads;
import io.gost.plugin.tcp.testing.TestListenContext;
import io.gost.testkit.TestTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.Future;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpListenerTest {

    private final TestTransport transport = new TestTransport();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        transport.close();
    }

    private Listener listener(Metadata metadata) {
        Listener listener = new TcpListenerFactory().create(metadata, PluginContext.named("service-0"));
        resources.add(listener);
        return listener;
    }

    private InetSocketAddress bind(Listener listener, Acceptor acceptor) throws Exception {
        return (InetSocketAddress) listener.bind(TestListenContext.loopback(transport, acceptor)).get(5, TimeUnit.SECONDS);
    }

    private Socket connect(SocketAddress address) throws Exception {
        Socket socket = new Socket();
        resources.add(socket);
        socket.setSoTimeout(10_000);
        socket.connect(address, 5_000);
        return socket;
    }

    /** What a handler relies on about an accepted channel, captured inside the acceptor. */
    record Accepted(boolean registered, boolean active, boolean onItsEventLoop, boolean pipelineEmpty,
                    boolean autoRead, boolean halfClosureAllowed, boolean tcpNoDelay, boolean keepAlive,
                    RecvByteBufAllocator readAllocator) {

        static Accepted of(Channel channel) {
            return new Accepted(channel.isRegistered(), channel.isActive(), channel.eventLoop().inEventLoop(),
                    channel.pipeline().first() == null,
                    channel.config().isAutoRead(),
                    channel.config().getOption(ChannelOption.ALLOW_HALF_CLOSURE),
                    channel.config().getOption(ChannelOption.TCP_NODELAY),
                    channel.config().getOption(ChannelOption.SO_KEEPALIVE),
                    channel.config().getRecvByteBufAllocator());
        }
    }

    private Accepted acceptOne(Metadata metadata) throws Exception {
        CompletableFuture<Accepted> accepted = new CompletableFuture<>();
        InetSocketAddress bound = bind(listener(metadata), channel -> {
            accepted.complete(Accepted.of(channel));
            channel.close();
        });
        connect(bound);
        return accepted.get(5, TimeUnit.SECONDS);
    }

    @Test
    void bindsAnEphemeralPortAndReportsTheBoundAddress() throws Exception {
        InetSocketAddress bound = bind(listener(Metadata.empty()), Channel::close);

        assertThat(bound.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(bound.getPort()).isPositive();
        assertThat(connect(bound).isConnected()).isTrue();
    }

    @Test
    void handsOverAcceptedChannelsActiveOnTheirEventLoopWithAnEmptyPipelineAndAutoReadOff() throws Exception {
        Accepted accepted = acceptOne(Metadata.empty());

        assertThat(accepted.registered()).as("registered").isTrue();
        assertThat(accepted.active()).as("active").isTrue();
        assertThat(accepted.onItsEventLoop()).as("acceptor called on the channel's event loop").isTrue();
        assertThat(accepted.pipelineEmpty()).as("pipeline empty").isTrue();
        assertThat(accepted.autoRead()).as("auto-read").isFalse();
    }

    @Test
    void acceptedChannelsAllowHalfClosureAndUseNoDelayAndKeepaliveByDefault() throws Exception {
        Accepted accepted = acceptOne(Metadata.empty());

        assertThat(accepted.halfClosureAllowed()).as("ALLOW_HALF_CLOSURE").isTrue();
        assertThat(accepted.tcpNoDelay()).as("TCP_NODELAY").isTrue();
        assertThat(accepted.keepAlive()).as("SO_KEEPALIVE").isTrue();
        assertThat((Object) accepted.readAllocator()).as("reads of up to 128 KiB").isSameAs(SocketReads.allocator());
    }

    @Test
    void keepaliveFalseTurnsOffSoKeepaliveOnAcceptedChannels() throws Exception {
        Accepted accepted = acceptOne(Metadata.of("keepalive", "false"));

        assertThat(accepted.keepAlive()).as("SO_KEEPALIVE").isFalse();
    }

    @Test
    void bindingAPortInUseFailsWithABindExceptionNamingTheAddress() throws Exception {
        try (ServerSocket occupant = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress taken = (InetSocketAddress) occupant.getLocalSocketAddress();
            Listener listener = listener(Metadata.empty());

            Future<SocketAddress> bound = listener.bind(new TestListenContext(taken, transport, Channel::close));

            assertThat(bound.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(bound.cause())
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("service-0")
                    .hasMessageContaining("127.0.0.1:" + taken.getPort())
                    .hasMessageContaining("another socket is listening on that port");
        }
    }

    @Test
    void aListenerWhoseBindFailedCanBindAgainOnceThePortIsFree() throws Exception {
        Listener listener = listener(Metadata.empty());
        InetSocketAddress taken;
        try (ServerSocket occupant = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            taken = (InetSocketAddress) occupant.getLocalSocketAddress();
            Future<SocketAddress> first = listener.bind(new TestListenContext(taken, transport, Channel::close));
            assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(first.cause()).isInstanceOf(BindException.class);
        }

        // What the runtime does when a reload's new listener cannot share the port: close the old one, bind again.
        Future<SocketAddress> again = listener.bind(new TestListenContext(taken, transport, Channel::close));

        assertThat(again.get(5, TimeUnit.SECONDS)).isEqualTo(taken);
    }

    @Test
    void createsTheServerSocketOnTheThreadThatCallsBind() throws Exception {
        Listener listener = listener(Metadata.empty());
        AtomicReference<Future<SocketAddress>> bound = new AtomicReference<>();
        Thread binder = new Thread(() -> bound.set(listener.bind(TestListenContext.loopback(transport, Channel::close))),
                "binder");

        binder.start();
        binder.join(5_000);

        assertThat(bound.get().get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(transport.serverSocketCreators()).containsExactly(binder);
    }

    @Test
    void closeReleasesThePortSoTheSameAddressCanBeBoundAgain() throws Exception {
        Listener first = listener(Metadata.empty());
        InetSocketAddress bound = bind(first, Channel::close);
        connect(bound);

        first.close();
        Listener second = listener(Metadata.empty());

        assertThat(second.bind(new TestListenContext(bound, transport, Channel::close)).get(5, TimeUnit.SECONDS))
                .isEqualTo(bound);
    }

    @Test
    void connectionsAcceptedBeforeCloseStayOpen() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Listener listener = listener(Metadata.empty());
        Socket client = connect(bind(listener, accepted::complete));
        Channel channel = accepted.get(5, TimeUnit.SECONDS);

        listener.close();
        channel.writeAndFlush(channel.alloc().buffer().writeBytes("still here".getBytes(StandardCharsets.US_ASCII)))
                .sync();

        assertThat(new String(client.getInputStream().readNBytes(10), StandardCharsets.US_ASCII)).isEqualTo("still here");
        channel.close().sync();
    }

    @Test
    void closeBeforeBindIsHarmlessAndRepeatableAndLaterBindsFail() throws Exception {
        Listener listener = listener(Metadata.empty());

        listener.close();
        listener.close();
        Future<SocketAddress> bound = listener.bind(TestListenContext.loopback(transport, Channel::close));

        assertThat(bound.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(bound.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(transport.serverSocketCreators()).isEmpty();
    }

    @Test
    void aSecondBindOnTheSameListenerFails() throws Exception {
        Listener listener = listener(Metadata.empty());
        bind(listener, Channel::close);

        Future<SocketAddress> again = listener.bind(TestListenContext.loopback(transport, Channel::close));

        assertThatThrownBy(() -> again.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aConnectionTheAcceptorFailsToTakeIsClosed() throws Exception {
        InetSocketAddress bound = bind(listener(Metadata.empty()), channel -> {
            throw new IllegalStateException("acceptor broke on purpose");
        });

        InputStream in = connect(bound).getInputStream();

        assertThat(in.read()).as("end of stream").isEqualTo(-1);
    }

    @Test
    void rejectsANonPositiveBacklog() {
        TcpListenerFactory factory = new TcpListenerFactory();

        assertThatThrownBy(() -> factory.create(Metadata.of("backlog", "0"), PluginContext.named("service-0")))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("backlog");
    }
}
