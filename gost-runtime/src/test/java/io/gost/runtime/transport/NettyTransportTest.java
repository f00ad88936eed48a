package io.gost.runtime.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NettyTransportTest {

    private final String savedProperty = System.getProperty(NettyTransport.TRANSPORT_PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(NettyTransport.TRANSPORT_PROPERTY);
        } else {
            System.setProperty(NettyTransport.TRANSPORT_PROPERTY, savedProperty);
        }
    }

    @Test
    void epollIsChosenOnLinuxWhenNothingElseIsAsked() {
        System.clearProperty(NettyTransport.TRANSPORT_PROPERTY);
        assertThat(Epoll.isAvailable()).as("native epoll loads here: %s", Epoll.unavailabilityCause()).isTrue();

        try (NettyTransport transport = NettyTransport.create(1)) {
            assertThat(transport.name()).isEqualTo("epoll");
            assertThat(transport.socketChannelFactory().newChannel()).isInstanceOf(EpollSocketChannel.class);
        }
    }

    @Test
    void thePropertyForcesNio() {
        System.setProperty(NettyTransport.TRANSPORT_PROPERTY, "nio");

        try (NettyTransport transport = NettyTransport.create(1)) {
            assertThat(transport.name()).isEqualTo("nio");
            assertThat(transport.socketChannelFactory().newChannel()).isInstanceOf(NioSocketChannel.class);
        }
    }

    @Test
    void anUnknownTransportNameIsRejected() {
        System.setProperty(NettyTransport.TRANSPORT_PROPERTY, "kqueue");

        assertThatThrownBy(() -> NettyTransport.create(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transport 'kqueue' is not one; use auto (the default), io_uring, epoll or nio");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void theResolverAnswersLocalNamesAndLiteralsWithoutDns(String host) throws Exception {
        for (NettyTransport transport : new NettyTransport[] {NettyTransport.nio(1), NettyTransport.epoll(1)}) {
            try (transport) {
                AddressResolver<InetSocketAddress> resolver =
                        transport.resolver().getResolver(transport.ioGroup().next());

                // No DNS server is reachable from the tests, so an answer within a second came from
                // /etc/hosts or the literal itself.
                Future<InetSocketAddress> resolved = resolver.resolve(InetSocketAddress.createUnresolved(host, 80));
                assertThat(resolved.await(1, TimeUnit.SECONDS)).as("resolved in time").isTrue();
                assertThat(resolved.cause()).isNull();
                InetAddress address = resolved.getNow().getAddress();
                assertThat(address.isLoopbackAddress()).as("%s resolves to loopback", host).isTrue();
                assertThat(resolved.getNow().getPort()).isEqualTo(80);
            }
        }
    }

    @Test
    void ioUringRelaysABytePairWhereTheKernelAllowsIt() throws Exception {
        // This machine's kernel has io_uring; a host without it gets IllegalStateException with the reason.
        assertThat(io.netty.channel.uring.IoUring.isAvailable())
                .as("io_uring loads here: %s", io.netty.channel.uring.IoUring.unavailabilityCause()).isTrue();
        try (NettyTransport transport = NettyTransport.create(1, "io_uring")) {
            assertThat(transport.name()).isEqualTo("io_uring");
            io.netty.channel.Channel server = new io.netty.bootstrap.ServerBootstrap()
                    .group(transport.acceptorGroup(), transport.ioGroup())
                    .channelFactory(transport.serverSocketChannelFactory())
                    .childHandler(new io.netty.channel.ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object message) {
                            ctx.writeAndFlush(message);
                        }
                    })
                    .bind(new java.net.InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (java.net.Socket client = new java.net.Socket()) {
                client.connect(server.localAddress(), 5_000);
                client.setSoTimeout(5_000);
                client.getOutputStream().write(new byte[] {1, 2});
                assertThat(client.getInputStream().readNBytes(2)).containsExactly(1, 2);
            } finally {
                server.close().sync();
            }
        }
    }

    @Test
    void closeStopsBothGroupsAndCanBeRepeated() {
        NettyTransport transport = NettyTransport.create(2);

        transport.close();
        transport.close();

        assertThat(transport.acceptorGroup().isTerminated()).isTrue();
        assertThat(transport.ioGroup().isTerminated()).isTrue();
    }

    @Test
    void negativeThreadCountsAreRejected() {
        assertThatThrownBy(() -> NettyTransport.nio(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ioThreads");
    }

    /**
     * Threads inherit their creator's network namespace: a loop started lazily by the first bind on a
     * namespace thread would end up in that namespace, and every dial with it. So they all start at once.
     */
    @Test
    void everyEventLoopThreadRunsAsSoonAsTheTransportExists() {
        long before = liveLoopThreads();
        try (NettyTransport transport = NettyTransport.nio(3)) {
            // Nothing has been bound or dialed yet: one acceptor and three I/O threads already run.
            assertThat(liveLoopThreads() - before).isEqualTo(4);
        }
    }

    private static long liveLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("gost-io-") || thread.getName().startsWith("gost-accept-"))
                .filter(Thread::isAlive)
                .count();
    }
}
