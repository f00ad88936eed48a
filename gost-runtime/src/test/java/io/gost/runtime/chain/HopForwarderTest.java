package io.gost.runtime.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.RouteException;
import io.gost.api.RouteException.Reason;
import io.gost.runtime.chain.TestDialers.TcpDialer;
import io.gost.runtime.config.SelectorConfig;
import io.gost.runtime.service.Addresses;
import io.gost.runtime.transport.NettyTransport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HopForwarderTest {

    private NettyTransport transport;
    private EventLoop loop;
    private final TcpDialer tcp = new TcpDialer();
    private ChainRouter router;

    @BeforeEach
    void start() {
        transport = NettyTransport.create(1);
        loop = transport.ioGroup().next();
        router = new ChainRouter((Chain) null, null, 0, Duration.ofSeconds(5), transport, SocketPlacement.INLINE, tcp,
                "service-0", null);
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    private static Hop roundRobin(Node... nodes) {
        return new Hop("forwarder", List.of(nodes), Selector.of(SelectorConfig.DEFAULT));
    }

    @Test
    void aRefusingTargetIsMarkedAndTheNextOneUsedWithinOneDial() throws Exception {
        int refused = TestServers.refusedPort();
        try (TestServers.Echo alive = new TestServers.Echo()) {
            Node dead = new Node("target-0", Addresses.target("127.0.0.1:" + refused), null, null, null, Node.Options.DEFAULT);
            Node good = new Node("target-1", Addresses.target(alive.addressText()), null, null, null, Node.Options.DEFAULT);
            Hop hop = roundRobin(dead, good);

            HopForwarder forwarder = new HopForwarder(hop, router, loop, "127.0.0.1", 0);
            Channel channel = succeeded(forwarder.dial());

            assertThat(forwarder.lastNode()).isSameAs(good);
            assertThat(dead.marker().failCount()).isEqualTo(1);
            assertThat(channel.eventLoop()).isSameAs(loop);
            channel.close().sync();

            HopForwarder next = new HopForwarder(hop, router, loop, "127.0.0.1", 0);
            succeeded(next.dial()).close().sync();
            assertThat(next.lastNode()).as("the dead target is skipped while marked").isSameAs(good);
            assertThat(tcp.dialed).hasSize(3);
        }
    }

    @Test
    void whenEveryTargetFailsEachIsTriedOnceAndTheLastFailureNamesItsNode() throws Exception {
        int first = TestServers.refusedPort();
        int second = TestServers.refusedPort();
        Node a = new Node("target-0", Addresses.target("127.0.0.1:" + first), null, null, null, Node.Options.DEFAULT);
        Node b = new Node("target-1", Addresses.target("127.0.0.1:" + second), null, null, null, Node.Options.DEFAULT);

        Future<Channel> dial = new HopForwarder(roundRobin(a, b), router, loop, null, 0).dial();

        assertThat(dial.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(dial.cause()).isInstanceOf(RouteException.class);
        RouteException failure = (RouteException) dial.cause();
        assertThat(failure.reason()).isEqualTo(Reason.REFUSED);
        assertThat(failure.getMessage()).startsWith("hop forwarder node target-1: target 127.0.0.1:" + second
                + " refused the connection");
        assertThat(tcp.dialed).hasSize(2);
        assertThat(a.marker().failCount()).isEqualTo(1);
        assertThat(b.marker().failCount()).isEqualTo(1);
    }

    @Test
    void retriesBeyondTheNodeCountTryAgain() throws Exception {
        Node only = new Node("target-0", Addresses.target("127.0.0.1:" + TestServers.refusedPort()), null, null, null, Node.Options.DEFAULT);

        Future<Channel> dial = new HopForwarder(roundRobin(only), router, loop, null, 2).dial();

        assertThat(dial.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(dial.isSuccess()).isFalse();
        assertThat(tcp.dialed).hasSize(3);
    }

    @Test
    void aSuccessResetsTheTargetsFailures() throws Exception {
        AtomicLong now = new AtomicLong();
        try (TestServers.Echo alive = new TestServers.Echo()) {
            Node node = new Node("target-0", Addresses.target(alive.addressText()), null, null, null,
                    Node.Options.DEFAULT, new FailMarker(now::get));
            node.marker().mark();
            now.addAndGet(Duration.ofSeconds(11).toNanos());

            HopForwarder forwarder = new HopForwarder(roundRobin(node), router, loop, null, 0);
            succeeded(forwarder.dial()).close().sync();

            assertThat(node.marker().failCount()).isZero();
        }
    }

    private static Channel succeeded(Future<Channel> dial) throws InterruptedException {
        assertThat(dial.await(10, TimeUnit.SECONDS)).as("dial finished").isTrue();
        if (!dial.isSuccess()) {
            throw new AssertionError("dial failed", dial.cause());
        }
        return dial.getNow();
    }
}
