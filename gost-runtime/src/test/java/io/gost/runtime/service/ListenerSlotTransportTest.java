package io.gost.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.SocketPurpose;
import io.gost.api.Transport;
import io.gost.runtime.chain.SocketPlacement;
import io.gost.runtime.transport.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport a listener gets from its slot is the runtime's, with {@code SO_REUSEPORT} on server sockets and
 * nothing else changed: a setting it did not pass on (the datagram reads, once) silently made every UDP listener
 * read one datagram per system call.
 */
class ListenerSlotTransportTest {

    private final EventLoopGroup loops = new DefaultEventLoopGroup(1);

    @AfterEach
    void stopLoops() {
        loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aListenerReadsDatagramsAsTheRuntimeSetsThemUp() {
        AtomicInteger askedFor = new AtomicInteger();
        Transport runtime = new RecordingTransport(loops, askedFor);
        AtomicReference<Transport> given = new AtomicReference<>();
        Listener listener = new Listener() {
            @Override
            public Future<SocketAddress> bind(ListenContext context) {
                given.set(context.transport());
                return ImmediateEventExecutor.INSTANCE.newSucceededFuture(context.address());
            }

            @Override
            public void close() {
            }
        };
        ListenerSlot slot = new ListenerSlot(listener, new InetSocketAddress("127.0.0.1", 0), null, null);

        slot.bind(SocketPlacement.INLINE, runtime, new SocketPurpose(SocketPurpose.Kind.LISTEN, "service udp-0",
                "127.0.0.1:0"), false).syncUninterruptibly();
        Bootstrap configured = given.get().configureDatagramReads(new Bootstrap(), 1500);

        assertThat(askedFor).hasValue(1500);
        assertThat(configured.config().options()).containsEntry(ChannelOption.MAX_MESSAGES_PER_READ, 77);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring", "nio"})
    void serverSocketsComeWithReusePortOnEveryTransport(String name) throws Exception {
        // The tcp listener takes a socket that already has SO_REUSEPORT as the runtime's decision to share the port
        // with its own sockets during a reload; without it, a changed listener could not bind beside the old one.
        try (NettyTransport runtime = NettyTransport.create(1, name)) {
            AtomicReference<ServerChannel> created = new AtomicReference<>();
            Listener listener = new Listener() {
                @Override
                public Future<SocketAddress> bind(ListenContext context) {
                    created.set(context.transport().serverSocketChannelFactory().newChannel());
                    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(context.address());
                }

                @Override
                public void close() {
                }
            };
            ListenerSlot slot = new ListenerSlot(listener, new InetSocketAddress("127.0.0.1", 0), null, null);

            slot.bind(SocketPlacement.INLINE, runtime, new SocketPurpose(SocketPurpose.Kind.LISTEN, "service tcp-0",
                    "127.0.0.1:0"), false).syncUninterruptibly();

            ServerChannel channel = created.get();
            try {
                Object reusePort = "nio".equals(name)
                        ? channel.config().getOption(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT))
                        : channel.config().getOption(UnixChannelOption.SO_REUSEPORT);
                assertThat(reusePort).as("SO_REUSEPORT on %s", channel).isEqualTo(true);
            } finally {
                channel.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void everyMethodOfTheTransportIsPassedOnOrChangedOnPurpose() throws ClassNotFoundException {
        Class<?> slotTransport = Class.forName(ListenerSlot.class.getName() + "$ReusePortTransport");
        String[] notDeclared = Arrays.stream(Transport.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declares(slotTransport, method))
                .map(Method::getName)
                .toArray(String[]::new);

        assertThat(notDeclared).as("Transport methods the listener slot's transport leaves to the interface's"
                + " defaults instead of passing them on to the runtime's").isEmpty();
    }

    private static boolean declares(Class<?> type, Method method) {
        try {
            type.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** A runtime transport whose datagram set-up leaves a mark (77 messages a read) and counts what it was asked. */
    private static final class RecordingTransport implements Transport {
        private final EventLoopGroup loops;
        private final AtomicInteger askedFor;

        RecordingTransport(EventLoopGroup loops, AtomicInteger askedFor) {
            this.loops = loops;
            this.askedFor = askedFor;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public EventLoopGroup acceptorGroup() {
            return loops;
        }

        @Override
        public EventLoopGroup ioGroup() {
            return loops;
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverSocketChannelFactory() {
            return () -> {
                throw new UnsupportedOperationException("no server sockets in this test");
            };
        }

        @Override
        public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
            throw new UnsupportedOperationException("no sockets in this test");
        }

        @Override
        public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
            throw new UnsupportedOperationException("no sockets in this test");
        }

        @Override
        public AddressResolverGroup<InetSocketAddress> resolver() {
            throw new UnsupportedOperationException("no resolver in this test");
        }

        @Override
        public Bootstrap configureDatagramReads(Bootstrap bootstrap, int maxDatagram) {
            askedFor.set(maxDatagram);
            return bootstrap.option(ChannelOption.MAX_MESSAGES_PER_READ, 77);
        }
    }
}
