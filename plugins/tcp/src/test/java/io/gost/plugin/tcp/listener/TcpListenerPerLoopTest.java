package io.gost.plugin.tcp.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Listener;
import io.gost.plugin.tcp.testing.NativeTestTransport;
import io.gost.plugin.tcp.testing.TestListenContext;
import io.gost.testkit.TestTransport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One listening socket per I/O loop with {@code SO_REUSEPORT} on the native transports: the kernel spreads
 * connections over the loops, each stays on the loop that accepted it, and the port is never shared with a socket
 * that is not the listener's.
 */
@Timeout(30)
class TcpListenerPerLoopTest {

    private static final int LOOPS = 2;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private NativeTestTransport transport(String name) {
        NativeTestTransport transport = NativeTestTransport.create(name, LOOPS);
        resources.add(transport);
        return transport;
    }

    private Listener listener(boolean perLoop) {
        Listener listener = new TcpListener("service-0", 128, true, perLoop);
        resources.add(listener);
        return listener;
    }

    private static InetSocketAddress bind(Listener listener, io.gost.api.Transport transport, int port,
                                          io.gost.api.ListenContext.Acceptor acceptor) throws Exception {
        return (InetSocketAddress) listener.bind(
                new TestListenContext(new InetSocketAddress(LOOPBACK, port), transport, acceptor)).get(5, TimeUnit.SECONDS);
    }

    /**
     * The sockets in state LISTEN on 127.0.0.1:{@code port}, as the kernel lists them (Java's and Netty's sockets
     * are IPv6 ones, listed in tcp6 with a v4-mapped address).
     */
    private static long listeningSockets(int port) throws IOException {
        String ipv4 = "0100007F:" + String.format(Locale.ROOT, "%04X", port);
        String mapped = "0000000000000000FFFF0000" + ipv4;
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (var lines = Files.lines(Path.of(table))) {
                count += lines.skip(1).map(String::trim).map(line -> line.split("\\s+"))
                        .filter(fields -> (fields[1].equals(ipv4) || fields[1].equals(mapped)) && fields[3].equals("0A"))
                        .count();
            }
        }
        return count;
    }

    private static Throwable bindFailure(Listener listener, io.gost.api.Transport transport, int port) throws Exception {
        Future<SocketAddress> bound = listener.bind(new TestListenContext(new InetSocketAddress(LOOPBACK, port),
                transport, Channel::close));
        assertThat(bound.await(5, TimeUnit.SECONDS)).isTrue();
        return bound.cause();
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void bindsOneListeningSocketPerLoopOnTheSamePortCreatedOnTheCallingThread(String name) throws Exception {
        NativeTestTransport transport = transport(name);

        InetSocketAddress bound = bind(listener(true), transport, 0, Channel::close);

        assertThat(listeningSockets(bound.getPort())).isEqualTo(LOOPS);
        assertThat(transport.createdServerChannels()).hasSize(LOOPS)
                .allSatisfy(channel -> assertThat(((InetSocketAddress) channel.localAddress()).getPort())
                        .isEqualTo(bound.getPort()));
        assertThat(transport.createdServerChannels().stream().map(Channel::eventLoop).distinct()).hasSize(LOOPS);
        assertThat(transport.serverSocketCreators()).containsOnly(Thread.currentThread());
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void spreadsConnectionsOverTheLoopsAndKeepsEachOnTheLoopThatAcceptedIt(String name) throws Exception {
        int connections = 64;
        Set<EventLoop> acceptingLoops = ConcurrentHashMap.newKeySet();
        List<String> strays = new ArrayList<>();
        CountDownLatch accepted = new CountDownLatch(connections);
        InetSocketAddress bound = bind(listener(true), transport(name), 0, channel -> {
            EventLoop serverLoop = channel.parent().eventLoop();
            if (channel.eventLoop() != serverLoop || !serverLoop.inEventLoop()) {
                synchronized (strays) {
                    strays.add(channel + " on " + channel.eventLoop() + ", accepted on " + serverLoop);
                }
            }
            acceptingLoops.add(serverLoop);
            channel.close();
            accepted.countDown();
        });

        for (int i = 0; i < connections; i++) {
            // Each from a new ephemeral port: the kernel picks the socket by a hash of the addresses and ports.
            try (Socket client = new Socket()) {
                client.connect(bound, 5_000);
            }
        }

        assertThat(accepted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(strays).isEmpty();
        assertThat(acceptingLoops).hasSize(LOOPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void closeReleasesThePortForASocketWithoutReusePort(String name) throws Exception {
        Listener listener = listener(true);
        InetSocketAddress bound = bind(listener, transport(name), 0, Channel::close);

        listener.close();

        assertThat(listeningSockets(bound.getPort())).isZero();
        try (ServerSocket next = new ServerSocket()) {
            next.bind(bound);
            assertThat(next.getLocalPort()).isEqualTo(bound.getPort());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void aSecondListenerOnTheSamePortFailsInsteadOfSharingIt(String name) throws Exception {
        NativeTestTransport transport = transport(name);
        InetSocketAddress bound = bind(listener(true), transport, 0, Channel::close);

        Throwable failure = bindFailure(listener(true), transport, bound.getPort());

        assertThat(failure).isInstanceOf(BindException.class)
                .hasMessageContaining("service-0")
                .hasMessageContaining("127.0.0.1:" + bound.getPort())
                .hasMessageContaining("another socket is listening on that port");
        assertThat(listeningSockets(bound.getPort())).isEqualTo(LOOPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void anotherProgramsReusePortSocketMakesTheBindFailInsteadOfSharingIt(String name) throws Exception {
        try (ServerSocketChannel foreign = ServerSocketChannel.open()) {
            // What a second gost, or any program of the same user that sets SO_REUSEPORT, would hold.
            foreign.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            foreign.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = ((InetSocketAddress) foreign.getLocalAddress()).getPort();
            NativeTestTransport transport = transport(name);

            Throwable failure = bindFailure(listener(true), transport, port);

            assertThat(failure).isInstanceOf(BindException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("another socket is listening on that port");
            assertThat(listeningSockets(port)).as("only the other program's socket").isEqualTo(1);
            assertThat(transport.createdServerChannels()).noneMatch(Channel::isOpen);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void aSocketThatCannotBeBoundClosesTheOnesBoundBeforeIt(String name) throws Exception {
        NativeTestTransport transport = transport(name);
        transport.failBindOf(1);
        int port = freePort();

        Throwable failure = bindFailure(listener(true), transport, port);

        assertThat(failure).isInstanceOf(BindException.class).hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("Address already in use (on purpose)");
        assertThat(transport.createdServerChannels()).hasSize(LOOPS).noneMatch(Channel::isOpen);
        assertThat(listeningSockets(port)).isZero();
        try (ServerSocket next = new ServerSocket()) {
            next.bind(new InetSocketAddress(LOOPBACK, port));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void aSocketThatCannotBeCreatedClosesTheOnesCreatedBeforeIt(String name) throws Exception {
        NativeTestTransport transport = transport(name);
        transport.failServerSocket(1);
        int port = freePort();

        Throwable failure = bindFailure(listener(true), transport, port);

        assertThat(failure).hasMessageContaining("no socket 1 (on purpose)");
        assertThat(transport.createdServerChannels()).hasSize(1).noneMatch(Channel::isOpen);
        assertThat(listeningSockets(port)).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            return free.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void turnedOffItBindsOneSocketOnTheAcceptorLoopThatHandsConnectionsToTheIoLoops(String name) throws Exception {
        NativeTestTransport transport = transport(name);
        AtomicReference<Channel> accepted = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        InetSocketAddress bound = bind(listener(false), transport, 0, channel -> {
            accepted.set(channel);
            channel.close();
            done.countDown();
        });
        try (Socket client = new Socket()) {
            client.connect(bound, 5_000);
        }

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(listeningSockets(bound.getPort())).isEqualTo(1);
        assertThat(accepted.get().parent().eventLoop().parent()).isSameAs(transport.acceptorGroup());
        assertThat(accepted.get().eventLoop().parent()).isSameAs(transport.ioGroup());
    }

    @Test
    void nioKeepsOneSocket() throws Exception {
        TestTransport transport = new TestTransport();
        resources.add(transport);

        InetSocketAddress bound = bind(listener(true), transport, 0, Channel::close);

        assertThat(listeningSockets(bound.getPort())).isEqualTo(1);
    }

    @Test
    void thePropertyTakesTrueOrFalseAndRefusesAnythingElse() {
        String before = System.getProperty(TcpListener.PER_LOOP_PROPERTY);
        try {
            System.clearProperty(TcpListener.PER_LOOP_PROPERTY);
            assertThat(TcpListener.perLoopFromSystemProperty()).isTrue();
            System.setProperty(TcpListener.PER_LOOP_PROPERTY, "FALSE");
            assertThat(TcpListener.perLoopFromSystemProperty()).isFalse();
            System.setProperty(TcpListener.PER_LOOP_PROPERTY, "no");
            org.assertj.core.api.Assertions.assertThatThrownBy(TcpListener::perLoopFromSystemProperty)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dgost.listenerPerLoop=no");
        } finally {
            if (before == null) {
                System.clearProperty(TcpListener.PER_LOOP_PROPERTY);
            } else {
                System.setProperty(TcpListener.PER_LOOP_PROPERTY, before);
            }
        }
    }
}
