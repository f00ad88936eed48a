package io.gost.runtime.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gost.api.Metadata;
import io.gost.api.NetnsRef;
import io.gost.api.RouteException;
import io.gost.api.RouteException.Reason;
import io.gost.api.SocketPurpose;
import io.gost.runtime.chain.TestDialers.LineConnector;
import io.gost.runtime.chain.TestDialers.Placement;
import io.gost.runtime.chain.TestDialers.RecordingConnector;
import io.gost.runtime.chain.TestDialers.RecordingPlacement;
import io.gost.runtime.chain.TestDialers.SilentDialer;
import io.gost.runtime.chain.TestDialers.TcpDialer;
import io.gost.runtime.config.SelectorConfig;
import io.gost.runtime.service.Addresses;
import io.gost.runtime.transport.NettyTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChainRouterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private NettyTransport transport;
    private EventLoop loop;
    private final TcpDialer tcp = new TcpDialer();
    private final RecordingPlacement placement = new RecordingPlacement();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void startTransport() {
        transport = NettyTransport.create(1);
        loop = transport.ioGroup().next();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        transport.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private ChainRouter router(Chain chain, NetnsRef outNamespace, int retries) {
        return new ChainRouter(chain, outNamespace, retries, TIMEOUT, transport, placement, tcp, "service-0", null);
    }

    private static Node node(String name, InetSocketAddress address, io.gost.api.Connector connector, NetnsRef netns) {
        return new Node(name, address, null, connector, netns, Node.Options.DEFAULT);
    }

    private static Chain chain(Hop... hops) {
        return new Chain("chain-0", List.of(hops));
    }

    private static Hop hop(String name, Node... nodes) {
        return new Hop(name, List.of(nodes), Selector.of(SelectorConfig.DEFAULT));
    }

    private static Channel await(Future<Channel> dial) throws Exception {
        assertThat(dial.await(10, TimeUnit.SECONDS)).as("dial finished").isTrue();
        if (!dial.isSuccess()) {
            throw new AssertionError("dial failed", dial.cause());
        }
        return dial.getNow();
    }

    private static RouteException failureOf(Future<Channel> dial) throws InterruptedException {
        assertThat(dial.await(10, TimeUnit.SECONDS)).as("dial finished").isTrue();
        assertThat(dial.cause()).isInstanceOf(RouteException.class);
        return (RouteException) dial.cause();
    }

    /** Writes a line and reads the echo through {@code channel}, which has auto-read off. */
    private static String roundTrip(Channel channel, String text) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        StringBuilder received = new StringBuilder();
        channel.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf bytes) {
                received.append(bytes.toString(CharsetUtil.US_ASCII));
                if (received.length() >= text.length()) {
                    echoed.complete(received.toString());
                } else {
                    ctx.read();
                }
            }
        });
        channel.writeAndFlush(Unpooled.copiedBuffer(text, CharsetUtil.US_ASCII));
        channel.read();
        return echoed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void directDialReturnsAnActiveChannelOnTheGivenLoopWithAutoReadOff() throws Exception {
        TestServers.Echo echo = closeLater(new TestServers.Echo());

        Channel channel = await(router(null, null, 0).dial(loop, "tcp", echo.address(), "127.0.0.1"));

        assertThat(channel.isActive()).isTrue();
        assertThat(channel.eventLoop()).isSameAs(loop);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(roundTrip(channel, "ping")).isEqualTo("ping");
        channel.close().sync();
    }

    @Test
    void directDialToAClosedPortFailsAsRefusedNamingTheTarget() throws Exception {
        int port = TestServers.refusedPort();

        RouteException failure = failureOf(router(null, null, 0).dial(loop, "tcp",
                InetSocketAddress.createUnresolved("127.0.0.1", port), null));

        assertThat(failure.reason()).isEqualTo(Reason.REFUSED);
        assertThat(failure.getMessage()).startsWith("target 127.0.0.1:" + port + " refused the connection");
    }

    @Test
    void directDialThatNeverAnswersFailsAsTimeoutAfterTheDialTimeout() throws Exception {
        SilentDialer silent = new SilentDialer();
        ChainRouter router = new ChainRouter((Chain) null, null, 0, Duration.ofMillis(200), transport, placement, silent,
                "service-0", null);

        long start = System.nanoTime();
        RouteException failure = failureOf(router.dial(loop, "tcp",
                InetSocketAddress.createUnresolved("127.0.0.1", 9), null));

        assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(failure.getMessage()).isEqualTo("target 127.0.0.1:9 did not answer within 200ms"
                + " (connection timed out after 200ms: 127.0.0.1:9)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(silent.dials).singleElement().satisfies(dial -> assertThat(dial.isCancelled()).isTrue());
    }

    @Test
    void aFailedDialIsRetriedRetriesTimes() throws Exception {
        int port = TestServers.refusedPort();

        RouteException failure = failureOf(router(null, null, 2).dial(loop, "tcp",
                InetSocketAddress.createUnresolved("127.0.0.1", port), null));

        assertThat(failure.reason()).isEqualTo(Reason.REFUSED);
        assertThat(tcp.dialed).hasSize(3);
    }

    @Test
    void directDialCreatesItsSocketInTheOutNamespace() throws Exception {
        TestServers.Echo echo = closeLater(new TestServers.Echo());
        NetnsRef out = NetnsRef.parse("ns-out");

        await(router(null, out, 0).dial(loop, "tcp", echo.address(), null)).close();

        assertThat(placement.placements).containsExactly(new Placement(out,
                new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET, "service-0", echo.addressText())));
    }

    @Test
    void chainDialsTheFirstNodeInItsOwnNamespaceAndIgnoresTheOutNamespace() throws Exception {
        TestServers.Echo firstNode = closeLater(new TestServers.Echo());
        List<String> log = new CopyOnWriteArrayList<>();
        NetnsRef nodeNamespace = NetnsRef.parse("ns-node");
        Chain chain = chain(hop("hop-0", node("node-0", firstNode.address(), new RecordingConnector("c0", log),
                nodeNamespace)));

        await(router(chain, NetnsRef.parse("ns-out"), 0).dial(loop, "tcp",
                InetSocketAddress.createUnresolved("example.com", 80), null)).close();

        assertThat(placement.placements).containsExactly(new Placement(nodeNamespace,
                new SocketPurpose(SocketPurpose.Kind.DIAL_NODE, "node-0", firstNode.addressText())));
    }

    @Test
    void chainConnectsThroughEachNodeInOrderAndAsksTheLastForTheTarget() throws Exception {
        TestServers.Echo firstNode = closeLater(new TestServers.Echo());
        List<String> log = new CopyOnWriteArrayList<>();
        Chain chain = chain(
                hop("hop-0", node("node-0", firstNode.address(), new RecordingConnector("c0", log), null)),
                hop("hop-1", node("node-1", Addresses.target("127.0.0.2:1080"), new RecordingConnector("c1", log),
                        null)));

        await(router(chain, null, 0).dial(loop, "udp", InetSocketAddress.createUnresolved("example.com", 53), null))
                .close();

        assertThat(tcp.dialed).containsExactly(firstNode.address());
        assertThat(log).containsExactly("c0 tcp 127.0.0.2:1080", "c1 udp example.com:53");
    }

    @Test
    void bytesFlowThroughATwoHopChainOfRealProxies() throws Exception {
        TestServers.Echo target = closeLater(new TestServers.Echo());
        TestServers.LineProxy first = closeLater(new TestServers.LineProxy());
        TestServers.LineProxy second = closeLater(new TestServers.LineProxy());
        Chain chain = chain(
                hop("hop-0", node("node-0", first.address(), new LineConnector(), null)),
                hop("hop-1", node("node-1", second.address(), new LineConnector(), null)));

        Channel channel = await(router(chain, null, 0).dial(loop, "tcp", target.address(), null));

        assertThat(roundTrip(channel, "through two hops")).isEqualTo("through two hops");
        assertThat(first.requests).containsExactly("CONNECT " + second.addressText());
        assertThat(second.requests).containsExactly("CONNECT " + target.addressText());
        channel.close().sync();
    }

    @Test
    void aHopThatRejectsTheTargetFailsAsHopRejectedNamingHopAndNode() throws Exception {
        TestServers.LineProxy proxy = closeLater(new TestServers.LineProxy());
        proxy.reject = true;
        Node node = node("node-0", proxy.address(), new LineConnector(), null);

        RouteException failure = failureOf(router(chain(hop("hop-0", node)), null, 0).dial(loop, "tcp",
                InetSocketAddress.createUnresolved("127.0.0.1", 9), null));

        assertThat(failure.reason()).isEqualTo(Reason.HOP_REJECTED);
        assertThat(failure.getMessage()).isEqualTo("hop hop-0 node node-0 (" + proxy.addressText()
                + ") refused CONNECT 127.0.0.1:9: NO forbidden");
        assertThat(node.marker().failCount()).as("a refused target is not the proxy's failure").isZero();
    }

    @Test
    void aFirstNodeThatRefusesFailsAsRefusedAndIsMarked() throws Exception {
        int port = TestServers.refusedPort();
        Node node = node("node-0", InetSocketAddress.createUnresolved("127.0.0.1", port),
                new RecordingConnector("c0", new ArrayList<>()), null);

        RouteException failure = failureOf(router(chain(hop("hop-0", node)), null, 0).dial(loop, "tcp",
                InetSocketAddress.createUnresolved("example.com", 80), null));

        assertThat(failure.reason()).isEqualTo(Reason.REFUSED);
        assertThat(failure.getMessage()).startsWith("hop hop-0 node node-0 (127.0.0.1:" + port
                + ") refused the connection while reaching example.com:80 (");
        assertThat(node.marker().failCount()).isEqualTo(1);
    }

    @Test
    void aRetryTakesANewRouteSkippingTheNodeThatFailed() throws Exception {
        int refused = TestServers.refusedPort();
        TestServers.Echo alive = closeLater(new TestServers.Echo());
        List<String> log = new CopyOnWriteArrayList<>();
        Node dead = node("node-0", InetSocketAddress.createUnresolved("127.0.0.1", refused),
                new RecordingConnector("c0", log), null);
        Node good = node("node-1", alive.address(), new RecordingConnector("c1", log), null);

        await(router(chain(hop("hop-0", dead, good)), null, 1).dial(loop, "tcp",
                InetSocketAddress.createUnresolved("example.com", 80), null)).close();

        assertThat(log).containsExactly("c1 tcp example.com:80");
        assertThat(dead.marker().failCount()).isEqualTo(1);
        assertThat(good.marker().failCount()).isZero();
    }

    @Test
    void aFailedConnectToTheNextNodeMarksThatNodeAndClosesTheChannel() throws Exception {
        try (ServerSocket firstNode = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String firstAddress = "127.0.0.1:" + firstNode.getLocalPort();
            List<String> log = new CopyOnWriteArrayList<>();
            RecordingConnector failingConnector = new RecordingConnector("c0", log);
            failingConnector.failure = new java.io.IOException("hop hung up");
            Node first = node("node-0", Addresses.target(firstAddress), failingConnector, null);
            Node second = node("node-1", Addresses.target("127.0.0.2:1080"), new RecordingConnector("c1", log), null);

            RouteException failure = failureOf(router(chain(hop("hop-0", first), hop("hop-1", second)), null, 0)
                    .dial(loop, "tcp", InetSocketAddress.createUnresolved("example.com", 80), null));

            assertThat(failure.reason()).isEqualTo(Reason.GENERAL);
            assertThat(failure.getMessage()).isEqualTo("hop hop-0 node node-0 (" + firstAddress
                    + ") failed while asking for 127.0.0.2:1080 (hop hung up)");
            assertThat(first.marker().failCount()).isZero();
            assertThat(second.marker().failCount()).isEqualTo(1);
            try (Socket accepted = firstNode.accept()) {
                accepted.setSoTimeout(5_000);
                assertThat(accepted.getInputStream().read()).as("the router closed its socket").isEqualTo(-1);
            }
        }
    }

    @Test
    void aConnectorThatNeverAnswersFailsAsTimeout() throws Exception {
        TestServers.Echo silentProxy = closeLater(new TestServers.Echo());
        io.gost.api.Connector silent = (channel, network, target, timeout) -> channel.eventLoop().newPromise();
        Node node = node("node-0", silentProxy.address(), silent, null);
        ChainRouter router = new ChainRouter(chain(hop("hop-0", node)), null, 0, Duration.ofMillis(200), transport,
                placement, tcp, "service-0", null);

        RouteException failure = failureOf(router.dial(loop, "tcp",
                InetSocketAddress.createUnresolved("example.com", 80), null));

        assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(failure.getMessage()).isEqualTo("hop hop-0 node node-0 (" + silentProxy.addressText()
                + ") did not answer within 200ms while asking for example.com:80"
                + " (no answer to the handshake within 200ms)");
    }

    @Test
    void aNameThatDoesNotResolveFailsAsUnreachable() throws Exception {
        ChainRouter router = new ChainRouter((Chain) null, null, 0, TIMEOUT, transport, placement,
                TestDialers.failing(() -> new java.net.UnknownHostException("no.such.host")), "service-0", null);

        RouteException failure = failureOf(router.dial(loop, "tcp",
                InetSocketAddress.createUnresolved("no.such.host", 80), null));

        assertThat(failure.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(failure.getMessage()).isEqualTo("target no.such.host:80 is unreachable (no.such.host)");
    }

    @Test
    void inlinePlacementRefusesToIgnoreANamespace() throws Exception {
        ChainRouter router = new ChainRouter((Chain) null, NetnsRef.parse("ns1"), 0, TIMEOUT, transport,
                SocketPlacement.INLINE, tcp, "service-0", null);

        RouteException failure = failureOf(router.dial(loop, "tcp",
                InetSocketAddress.createUnresolved("127.0.0.1", 9), null));

        assertThat(failure.getMessage()).contains("network namespace 'ns1'");
        assertThat(tcp.dialed).isEmpty();
    }

    @Test
    void theRouterForAConnectionDialsOnThatConnectionsLoop() throws Exception {
        TestServers.Echo echo = closeLater(new TestServers.Echo());

        Future<Channel> dial = router(null, null, 0).dial(loop, "tcp", echo.address(), "127.0.0.1");

        Channel channel = await(dial);
        assertThat(channel.eventLoop()).isSameAs(loop);
        channel.close().sync();
    }

    @Test
    void negativeRetriesAreRejected() {
        Throwable thrown = catchThrowable(() -> router(null, null, -1));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("retries must be 0 or more, got -1");
    }

    @Test
    void failureReasonsFollowTheCause() {
        assertThat(RouteFailures.reasonOf(new java.net.ConnectException("Connection refused"))).isEqualTo(Reason.REFUSED);
        assertThat(RouteFailures.reasonOf(new io.netty.channel.ConnectTimeoutException("timed out")))
                .isEqualTo(Reason.TIMEOUT);
        assertThat(RouteFailures.reasonOf(new java.net.NoRouteToHostException())).isEqualTo(Reason.UNREACHABLE);
        assertThat(RouteFailures.reasonOf(new java.net.ConnectException("Network is unreachable")))
                .isEqualTo(Reason.UNREACHABLE);
        assertThat(RouteFailures.reasonOf(new ExecutionException(new java.net.UnknownHostException("x"))))
                .isEqualTo(Reason.UNREACHABLE);
        assertThat(RouteFailures.reasonOf(new RouteException(Reason.HOP_REJECTED, "no"))).isEqualTo(Reason.HOP_REJECTED);
        assertThat(RouteFailures.reasonOf(new java.io.IOException("broken pipe"))).isEqualTo(Reason.GENERAL);
    }
}
