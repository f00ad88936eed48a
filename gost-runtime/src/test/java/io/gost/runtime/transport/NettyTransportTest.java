package io.gost.runtime.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
            Channel channel = transport.socketChannelFactory().newChannel();
            assertThat(channel).isInstanceOf(EpollSocketChannel.class);
            channel.unsafe().closeForcibly();
        }
    }

    @Test
    void thePropertyNamesIoUring() {
        System.setProperty(NettyTransport.TRANSPORT_PROPERTY, "io_uring");
        // This machine's kernel allows io_uring (CI's too); a host without it gets IllegalStateException with why.
        assertThat(IoUring.isAvailable()).as("io_uring loads here: %s", IoUring.unavailabilityCause()).isTrue();

        try (NettyTransport transport = NettyTransport.create(1)) {
            assertThat(transport.name()).isEqualTo("io_uring");
            Channel channel = transport.socketChannelFactory().newChannel();
            assertThat(channel).isInstanceOf(IoUringSocketChannel.class);
            channel.unsafe().closeForcibly();
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
        for (NettyTransport transport : new NettyTransport[] {NettyTransport.nio(1), NettyTransport.epoll(1),
                NettyTransport.ioUring(1)}) {
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

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void eachTransportEchoesBytesWhenNamed(String name) throws Exception {
        try (NettyTransport transport = NettyTransport.create(1, name)) {
            assertThat(transport.name()).isEqualTo(name);
            Channel server = new ServerBootstrap()
                    .group(transport.acceptorGroup(), transport.ioGroup())
                    .channelFactory(transport.serverSocketChannelFactory())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object message) {
                            ctx.writeAndFlush(message);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5_000);
                client.setSoTimeout(5_000);
                client.getOutputStream().write(new byte[] {1, 2});
                assertThat(client.getInputStream().readNBytes(2)).containsExactly(1, 2);
            } finally {
                server.close().sync();
            }
        }
    }

    /**
     * The native transports read several datagrams per wake-up into slices of one buffer: each datagram
     * arrives whole and apart, with its sender, however many were queued.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void datagramReadsKeepEachDatagramWholeAndApart(String name) throws Exception {
        int count = 3 * NettyTransport.DATAGRAMS_PER_READ;
        int maxDatagram = 1500;
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        try (NettyTransport transport = NettyTransport.create(1, name);
             DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Bootstrap bootstrap = transport.configureDatagramReads(new Bootstrap()
                    .group(transport.ioGroup())
                    .channelFactory(transport.datagramChannelFactory())
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            assertThat(packet.sender().getPort()).isEqualTo(sender.getLocalPort());
                            received.add(ByteBufUtil.getBytes(packet.content()));
                        }
                    }), maxDatagram);
            // Auto-read off until all are queued, so that one wake-up finds many.
            Channel socket = bootstrap.option(ChannelOption.AUTO_READ, false)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try {
                for (int i = 0; i < count; i++) {
                    byte[] payload = new byte[i == 0 ? maxDatagram : 1 + i];
                    Arrays.fill(payload, (byte) i);
                    sender.send(new java.net.DatagramPacket(payload, payload.length, socket.localAddress()));
                }
                socket.config().setAutoRead(true);
                for (int i = 0; i < count; i++) {
                    byte[] payload = received.poll(5, TimeUnit.SECONDS);
                    assertThat(payload).as("datagram %d", i).isNotNull();
                    assertThat(payload).hasSize(i == 0 ? maxDatagram : 1 + i).containsOnly((byte) i);
                }
            } finally {
                socket.close().sync();
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
