package io.gost.plugin.mux.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.Transport;
import io.gost.plugin.mux.LeakDetection;
import io.gost.plugin.mux.smux.SmuxStream;
import io.gost.testkit.TestTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** mtcp listener and dialer on real loopback sockets: many streams, flow control, dead sessions. */
@ExtendWith(LeakDetection.class)
class MtcpSocketTest {

    private final TestTransport transport = new TestTransport();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Channel> acceptedStreams = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        transport.close();
    }

    /** An mtcp echo service: every accepted stream echoes what it reads, read after write. */
    private InetSocketAddress echoService(Metadata metadata, int port) throws Exception {
        Listener listener = new MtcpListenerFactory().create(metadata, PluginContext.named("echo"));
        toClose.add(listener);
        ListenContext context = new ListenContext() {
            @Override
            public InetSocketAddress address() {
                return new InetSocketAddress("127.0.0.1", port);
            }

            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public Acceptor acceptor() {
                return stream -> {
                    acceptedStreams.add(stream);
                    stream.pipeline().addLast(new Echo());
                    stream.read();
                };
            }
        };
        return (InetSocketAddress) listener.bind(context).get(5, TimeUnit.SECONDS);
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ctx.writeAndFlush(message).addListener(written -> {
                if (written.isSuccess()) {
                    ctx.read();
                } else {
                    ctx.close();
                }
            });
        }
    }

    private Dialer dialer(Metadata metadata) {
        Dialer dialer = new MtcpDialerFactory().create(metadata, PluginContext.named("node"));
        toClose.add(dialer);
        return dialer;
    }

    /** The client's event loop of the dials in a test: a session per node and loop, as the runtime dials. */
    private final EventLoop clientLoop = transport.ioGroup().next();

    private DialContext dialContext() {
        return dialContext(clientLoop);
    }

    private DialContext dialContext(EventLoop loop) {
        return new DialContext() {
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
                return Duration.ofSeconds(5);
            }
        };
    }

    /** Sends {@code size} bytes on a stream and completes with the number echoed back, once all are back. */
    private static CompletableFuture<Long> echoRoundTrip(Channel stream, int size) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long[] received = {0};
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                received[0] += ((ByteBuf) message).readableBytes();
                ((ByteBuf) message).release();
                if (received[0] >= size) {
                    done.complete(received[0]);
                } else {
                    ctx.read();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                done.completeExceptionally(new AssertionError("stream closed after " + received[0] + " bytes"));
            }
        });
        stream.read();
        byte[] chunk = new byte[16 * 1024];
        for (int sent = 0; sent < size; sent += chunk.length) {
            stream.write(Unpooled.wrappedBuffer(chunk, 0, Math.min(chunk.length, size - sent)));
        }
        stream.flush();
        return done;
    }

    @ParameterizedTest(name = "mux.version={0}")
    @ValueSource(ints = {1, 2})
    void manyConcurrentStreamsShareOneConnectionAndEachGetsItsOwnBytesBack(int version) throws Exception {
        Metadata metadata = Metadata.of("mux.version", Integer.toString(version));
        InetSocketAddress server = echoService(metadata, 0);
        Dialer dialer = dialer(metadata);
        List<CompletableFuture<Long>> transfers = new ArrayList<>();
        List<Channel> streams = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Channel stream = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
            streams.add(stream);
            transfers.add(echoRoundTrip(stream, 200 * 1024));
        }
        for (CompletableFuture<Long> transfer : transfers) {
            assertThat(transfer.get(20, TimeUnit.SECONDS)).isEqualTo(200 * 1024L);
        }
        assertThat(streams).extracting(Channel::parent).as("one session for one node").containsOnly(
                streams.get(0).parent());
        assertThat(streams).extracting(stream -> ((SmuxStream) stream).streamId()).doesNotHaveDuplicates()
                .allMatch(id -> id % 2 == 1);
        assertThat(streams).extracting(Channel::eventLoop).as("on the dialing client's loop").containsOnly(clientLoop);
        assertThat(acceptedStreams).hasSize(50);
        assertThat(((MuxDialer) dialer).sessionCount()).isEqualTo(1);
        streams.forEach(Channel::close);
    }

    @Test
    void version2StreamWhoseReaderStallsDoesNotHoldUpTheOthers() throws Exception {
        Metadata metadata = Metadata.of("mux.version", "2");
        InetSocketAddress server = echoService(metadata, 0);
        Dialer dialer = dialer(metadata);
        // A stream that sends a lot and never reads its echo: the server's echo fills this stream's window
        // and waits; with version 2 that stalls only this stream.
        Channel stalled = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
        // 6 MiB: more than the session's whole receive budget (4 MiB), which version 1 would let it take.
        stalled.writeAndFlush(Unpooled.wrappedBuffer(new byte[6 * 1024 * 1024]));
        Channel busy = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
        assertThat(echoRoundTrip(busy, 8 * 1024 * 1024).get(20, TimeUnit.SECONDS)).isEqualTo(8 * 1024 * 1024L);
        long buffered = stalled.eventLoop().submit(() -> ((SmuxStream) stalled).bufferedBytes()).get();
        assertThat(buffered).as("the stalled stream holds at most the window smux grants before an update")
                .isPositive().isLessThanOrEqualTo(262144);
        stalled.close();
        busy.close();
    }

    @Test
    void dialAfterTheServerCameBackOpensAFreshSessionInsteadOfFailing() throws Exception {
        Metadata metadata = Metadata.empty();
        InetSocketAddress server = echoService(metadata, 0);
        Dialer dialer = dialer(metadata);
        Channel before = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
        assertThat(echoRoundTrip(before, 1000).get(5, TimeUnit.SECONDS)).isEqualTo(1000L);
        Channel oldSession = before.parent();

        // Outage: the server goes away (its listener and its side of the session), then comes back.
        toClose.remove(0).close();
        acceptedStreams.get(0).parent().close().sync();
        oldSession.closeFuture().await(5, TimeUnit.SECONDS);
        echoService(metadata, server.getPort());

        Channel after = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
        assertThat(after.parent()).isNotSameAs(oldSession);
        assertThat(echoRoundTrip(after, 1000).get(5, TimeUnit.SECONDS)).as("the first request after the outage")
                .isEqualTo(1000L);
    }

    @Test
    void eachEventLoopGetsItsOwnSessionSoStreamsLiveOnTheDialersLoop() throws Exception {
        InetSocketAddress server = echoService(Metadata.empty(), 0);
        Dialer dialer = dialer(Metadata.empty());
        EventLoop other = transport.ioGroup().next();
        assertThat(other).isNotSameAs(clientLoop);
        Channel here = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
        Channel there = dialer.dial(server, dialContext(other)).get(5, TimeUnit.SECONDS);
        assertThat(here.eventLoop()).isSameAs(clientLoop);
        assertThat(there.eventLoop()).isSameAs(other);
        assertThat(here.parent()).isNotSameAs(there.parent());
        assertThat(((MuxDialer) dialer).sessionCount()).isEqualTo(2);
        here.close();
        there.close();
    }

    /**
     * The runtime places sockets in network namespaces by calling bind and dial on a thread inside the
     * namespace: the session's TCP socket must be created right there, not later on an event loop.
     */
    @Test
    void socketsAreCreatedOnTheCallingThreadForNetworkNamespaces() throws Exception {
        java.util.concurrent.ExecutorService namespaceThread = java.util.concurrent.Executors.newSingleThreadExecutor(
                runnable -> new Thread(runnable, "netns-ns1"));
        try {
            InetSocketAddress server = namespaceThread.submit(() -> echoService(Metadata.empty(), 0))
                    .get(5, TimeUnit.SECONDS);
            assertThat(transport.serverSocketCreators()).extracting(Thread::getName).containsExactly("netns-ns1");
            Dialer dialer = dialer(Metadata.empty());
            Channel stream = namespaceThread.submit(() -> dialer.dial(server, dialContext())).get(5, TimeUnit.SECONDS)
                    .get(5, TimeUnit.SECONDS);
            assertThat(transport.socketCreators()).extracting(Thread::getName).containsExactly("netns-ns1");
            // A dial that finds the session opens a stream and creates no socket.
            dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS).close();
            assertThat(transport.socketCreators()).hasSize(1);
            stream.close();
        } finally {
            namespaceThread.shutdownNow();
        }
    }

    @Test
    void concurrentFirstDialsShareOneConnection() throws Exception {
        InetSocketAddress server = echoService(Metadata.empty(), 0);
        Dialer dialer = dialer(Metadata.empty());
        List<io.netty.util.concurrent.Future<Channel>> dials = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            dials.add(dialer.dial(server, dialContext()));
        }
        for (io.netty.util.concurrent.Future<Channel> dial : dials) {
            dial.get(5, TimeUnit.SECONDS);
        }
        assertThat(dials).extracting(dial -> dial.getNow().parent()).containsOnly(dials.get(0).getNow().parent());
        assertThat(transport.createdSockets()).as("client sockets").hasSize(1);
    }

    @Test
    void closingAStreamClosesItsPeerStreamButNotTheSession() throws Exception {
        InetSocketAddress server = echoService(Metadata.empty(), 0);
        Dialer dialer = dialer(Metadata.empty());
        Channel stream = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
        assertThat(echoRoundTrip(stream, 10).get(5, TimeUnit.SECONDS)).isEqualTo(10L);
        Channel peer = acceptedStreams.get(0);
        stream.close().sync();
        assertThat(peer.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(peer.parent().isActive()).isTrue();
        Channel next = dialer.dial(server, dialContext()).get(5, TimeUnit.SECONDS);
        assertThat(next.parent()).isSameAs(stream.parent());
        next.close();
    }

    @Test
    void unreachableNodeFailsTheDialAndTheNextDialTriesAgain() throws Exception {
        Dialer dialer = dialer(Metadata.empty());
        InetSocketAddress nobody = new InetSocketAddress("127.0.0.1", freePort());
        assertThat(dialer.dial(nobody, dialContext()).await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dialer.dial(nobody, dialContext()).await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(((MuxDialer) dialer).sessionCount()).isZero();
        echoService(Metadata.empty(), nobody.getPort());
        Channel stream = dialer.dial(nobody, dialContext()).get(5, TimeUnit.SECONDS);
        assertThat(echoRoundTrip(stream, 10).get(5, TimeUnit.SECONDS)).isEqualTo(10L);
        stream.close();
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
