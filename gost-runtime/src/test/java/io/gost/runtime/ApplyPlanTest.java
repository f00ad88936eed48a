package io.gost.runtime;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.Planner;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.Service;
import io.gost.runtime.transport.NettyTransport;
import io.gost.testkit.netns.RecordingNetnsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GostRuntime#apply}: a reload changes only what differs, refuses no connection while it does, and a
 * plan that cannot start changes nothing.
 */
class ApplyPlanTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.load();

    private NettyTransport transport;
    private GreetingServer red;
    private GreetingServer blue;
    private GostRuntime runtime;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        transport = NettyTransport.create(2);
        red = new GreetingServer("red");
        blue = new GreetingServer("blue");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        for (AutoCloseable closeable : closeLater) {
            closeable.close();
        }
        transport.close();
        red.close();
        blue.close();
    }

    @Test
    void anUnchangedServiceKeepsItsListenerItsConnectionsAndItsCounters() throws Exception {
        int port = freePort();
        runtime = start(forward("a", port, red) + forward("b", freePort(), red));
        Service before = runtime.service("a").orElseThrow();
        try (Tunnel open = new Tunnel(port)) {
            assertThat(open.greeting()).isEqualTo("red");

            // b changes; a is only moved down a line by a comment: a goes on, on the same socket and counters
            // (built anew with the new plan's controls, as every service of a new plan is).
            GostRuntime.Changes changes = runtime.apply(plan("  # a comment\n" + forward("a", port, red)
                    + forward("b", freePort(), blue)));

            assertThat(changes).isEqualTo(new GostRuntime.Changes(1, 0, 1, 0));
            Service after = runtime.service("a").orElseThrow();
            assertThat(after.slot()).isSameAs(before.slot());
            assertThat(after.stats()).isSameAs(before.stats());
            assertThat(open.echo("still here")).isEqualTo("still here");
            assertThat(after.stats().totalConnections()).isEqualTo(1);
            assertThat(after.stats().currentConnections()).isEqualTo(1);
            try (Tunnel fresh = new Tunnel(port)) {
                assertThat(fresh.greeting()).isEqualTo("red");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> after.stats().totalConnections() == 2);
        }
    }

    @Test
    void aReloadThatChangesOnlyATopLevelAdmissionReachesTheUnchangedServiceThatUsesIt() throws Exception {
        int port = freePort();
        String service = forward("a", port, red) + "    admission: adm\n";
        runtime = start(service + "admissions:\n  - {name: adm, whitelist: true, matchers: [127.0.0.1]}\n");
        Service before = runtime.service("a").orElseThrow();
        try (Tunnel open = new Tunnel(port)) {
            assertThat(open.greeting()).isEqualTo("red");

            // The service's own configuration is the same; the admission it names now refuses loopback.
            GostRuntime.Changes changes = runtime.apply(plan(service
                    + "admissions:\n  - {name: adm, matchers: [127.0.0.1]}\n"));

            assertThat(changes).isEqualTo(new GostRuntime.Changes(1, 0, 0, 0));
            assertThat(runtime.service("a").orElseThrow().slot()).isSameAs(before.slot());
            try (Tunnel refused = new Tunnel(port)) {
                assertThat(refused.isClosedByPeer()).isTrue();
            }
            // The connection admitted before the reload keeps what it started with.
            assertThat(open.echo("admitted before")).isEqualTo("admitted before");
        }
    }

    @Test
    void aChangedServiceTakesOverTheBoundSocketAndItsOldTunnelsDrain() throws Exception {
        int port = freePort();
        runtime = start(forward("a", port, red));
        Service old = runtime.service("a").orElseThrow();
        try (Tunnel open = new Tunnel(port)) {
            assertThat(open.greeting()).isEqualTo("red");

            runtime.apply(plan(forward("a", port, blue)));

            Service replacement = runtime.service("a").orElseThrow();
            assertThat(replacement).isNotSameAs(old);
            assertThat(replacement.slot()).isSameAs(old.slot());
            assertThat(runtime.drainingServices()).containsExactly(old);
            try (Tunnel fresh = new Tunnel(port)) {
                assertThat(fresh.greeting()).isEqualTo("blue");
            }
            // The tunnel opened before the reload still reaches the old target.
            assertThat(open.echo("old tunnel")).isEqualTo("old tunnel");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.drainingServices().isEmpty());
        assertThat(new Tunnel(port).greetingAndClose()).isEqualTo("blue");
    }

    @Test
    void aChangedListenerBindsBesideTheOldSocketAndThePortKeepsAnswering() throws Exception {
        int port = freePort();
        runtime = start(forward("a", port, red, "backlog: 128"));
        Service old = runtime.service("a").orElseThrow();
        try (Tunnel open = new Tunnel(port)) {
            assertThat(open.greeting()).isEqualTo("red");

            runtime.apply(plan(forward("a", port, blue, "backlog: 256")));

            Service replacement = runtime.service("a").orElseThrow();
            assertThat(replacement.slot()).isNotSameAs(old.slot());
            assertThat(old.slot().isOpen()).isFalse();
            assertThat(new Tunnel(port).greetingAndClose()).isEqualTo("blue");
            assertThat(open.echo("old tunnel")).isEqualTo("old tunnel");
        }
    }

    @Test
    void aChangedListenerBindsBesideTheOldSocketOnIoUringToo() throws Exception {
        // The same on io_uring, whose server sockets the listener slot gives SO_REUSEPORT as epoll's.
        transport.close();
        transport = NettyTransport.create(2, "io_uring");
        aChangedListenerBindsBesideTheOldSocketAndThePortKeepsAnswering();
    }

    @Test
    void noConnectionIsRefusedWhileServicesAreReplacedAgainAndAgain() throws Exception {
        int port = freePort();
        runtime = start(forward("a", port, red));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            loops.add(clients.submit(() -> {
                while (running.get() && answered.get() < 100_000) {
                    try (Tunnel tunnel = new Tunnel(port)) {
                        tunnel.greeting();
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        try {
            await().until(() -> answered.get() > 20);
            for (int reload = 0; reload < 6; reload++) {
                int before = answered.get();
                String backlog = reload % 3 == 2 ? "backlog: " + (200 + reload) : "backlog: 128";
                runtime.apply(plan(forward("a", port, reload % 2 == 0 ? blue : red, backlog)));
                await().until(() -> answered.get() > before + 20);
            }
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(10, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
        // A listener that is replaced (backlog changed) may still lose a connection the kernel had queued on
        // the old socket at the instant it closed, unless net.ipv4.tcp_migrate_req is on: those are resets,
        // never refusals. Handing the bound socket over (the other reloads) loses nothing.
        assertThat(failures).allSatisfy(failure -> assertThat(failure).isNotInstanceOf(java.net.ConnectException.class));
    }

    @Test
    void aRemovedServiceStopsAcceptingAndItsTunnelsAreClosedWhenTheGracePeriodEnds() throws Exception {
        int port = freePort();
        int other = freePort();
        runtime = start(forward("a", port, red) + forward("b", other, red));
        runtime.gracePeriod(Duration.ofMillis(300));
        try (Tunnel open = new Tunnel(port)) {
            assertThat(open.greeting()).isEqualTo("red");

            GostRuntime.Changes changes = runtime.apply(plan(forward("b", other, red)));

            assertThat(changes.removed()).isEqualTo(1);
            assertThatThrownBy(() -> new Tunnel(port).close()).isInstanceOf(java.net.ConnectException.class);
            assertThat(open.echo("draining")).isEqualTo("draining");
            await().atMost(Duration.ofSeconds(5)).until(open::isClosedByPeer);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.drainingServices().isEmpty());
    }

    @Test
    void aPlanThatCannotStartChangesNothing() throws Exception {
        int port = freePort();
        runtime = start(forward("a", port, red));
        Service running = runtime.service("a").orElseThrow();
        try (ServerSocket foreign = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            GostPlan broken = plan(forward("a", port, blue) + forward("c", foreign.getLocalPort(), blue));

            assertThatThrownBy(() -> runtime.apply(broken)).hasMessageContaining("service 'c'")
                    .hasMessageContaining("address already in use");

            assertThat(runtime.services()).containsExactly(running);
            assertThat(runtime.drainingServices()).isEmpty();
            assertThat(new Tunnel(port).greetingAndClose()).isEqualTo("red");
        }
    }

    @Test
    void anotherProgramOnThePortIsRefusedEvenIfItSharesPortsWithSoReusePort() throws Exception {
        ServerSocketChannel sharing = ServerSocketChannel.open();
        closeLater.add(sharing);
        sharing.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        sharing.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        sharing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = ((InetSocketAddress) sharing.getLocalAddress()).getPort();

        GostRuntime failing = GostRuntime.of(plan(forward("a", port, red)), new RecordingNetnsProvider(), transport);

        assertThatThrownBy(failing::start).hasMessageContaining("service 'a'").hasMessageContaining("address already in use");
        failing.close();
    }

    @Test
    void theNamespaceProviderCannotChangeWhileRunning() throws Exception {
        int port = freePort();
        runtime = start(forward("a", port, red));

        assertThatThrownBy(() -> runtime.apply(plan(forward("a", port, red) + "netns:\n  provider: recording\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("netns.provider");
        assertThat(new Tunnel(port).greetingAndClose()).isEqualTo("red");
    }

    @Test
    void aChangedRtcpServiceKeepsItsPortOnTheHopAndSendsNewPeersToItsNewTarget() throws Exception {
        int hopA = freePort();
        int hopB = freePort();
        int remote = freePort();
        runtime = start(reverse(hopA, hopB, remote, "a", red));
        Service old = runtime.service("r").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> old.remoteBoundAddress() != null);
        try (Tunnel open = new Tunnel(remote)) {
            assertThat(open.greeting()).isEqualTo("red");

            runtime.apply(plan(reverse(hopA, hopB, remote, "a", blue)));

            Service replacement = runtime.service("r").orElseThrow();
            assertThat(replacement.slot()).as("same listener and listener chain: the slot is taken over")
                    .isSameAs(old.slot());
            assertThat(replacement.remoteBoundAddress()).isNotNull();
            assertThat(new Tunnel(remote).greetingAndClose()).isEqualTo("blue");
            assertThat(open.echo("old tunnel")).isEqualTo("old tunnel");
            assertThat(old.remoteBindAttempts() + replacement.remoteBindAttempts())
                    .as("the port on the hop was never opened again").isEqualTo(1);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private GostRuntime start(String yaml) {
        GostRuntime started = GostRuntime.of(plan(yaml), new RecordingNetnsProvider(), transport);
        started.start();
        return started;
    }

    /** A plan of {@code services} (list items of GOST's YAML), optionally followed by other top-level sections. */
    private static GostPlan plan(String services) {
        int sections = services.indexOf("\nnetns:");
        String document = sections < 0 ? "services:\n" + services
                : "services:\n" + services.substring(0, sections + 1) + services.substring(sections + 1);
        return Planner.planOrThrow(new YamlConfigLoader().parse(document, "test.yaml"), REGISTRY);
    }

    /**
     * Two SOCKS5 hops that allow binds, and {@code rtcp} service r whose port {@code remote} opens on hop
     * {@code through} ("a" or "b") and whose peers go to {@code target}.
     */
    private static String reverse(int hopA, int hopB, int remote, String through, GreetingServer target) {
        return socksHop("hopA", hopA) + socksHop("hopB", hopB)
                + "  - name: r\n"
                + "    addr: 127.0.0.1:" + remote + "\n"
                + "    handler: {type: rtcp}\n"
                + "    listener: {type: rtcp, chain: via-" + through + "}\n"
                + "    forwarder: {nodes: [{name: t, addr: 127.0.0.1:" + target.port() + "}]}\n"
                + "chains:\n"
                + "  - {name: via-a, hops: [{name: ha, nodes: [{name: a, addr: 127.0.0.1:" + hopA
                + ", connector: {type: socks5}}]}]}\n"
                + "  - {name: via-b, hops: [{name: hb, nodes: [{name: b, addr: 127.0.0.1:" + hopB
                + ", connector: {type: socks5}}]}]}\n";
    }

    private static String socksHop(String name, int port) {
        return "  - name: " + name + "\n"
                + "    addr: 127.0.0.1:" + port + "\n"
                + "    handler: {type: socks5, metadata: {bind: true}}\n"
                + "    listener: {type: tcp}\n";
    }

    private static String forward(String name, int port, GreetingServer target) {
        return forward(name, port, target, null);
    }

    private static String forward(String name, int port, GreetingServer target, String listenerMetadata) {
        return "  - name: " + name + "\n"
                + "    addr: 127.0.0.1:" + port + "\n"
                + "    handler: {type: tcp}\n"
                + "    listener: {type: tcp" + (listenerMetadata == null ? "" : ", metadata: {" + listenerMetadata + "}")
                + "}\n"
                + "    forwarder: {nodes: [{name: t, addr: 127.0.0.1:" + target.port() + "}]}\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A client connection through gost to a {@link GreetingServer}. */
    private static final class Tunnel implements AutoCloseable {
        private final Socket socket;

        Tunnel(int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            socket.setSoTimeout(5_000);
        }

        /** The name the server greets with: which target the tunnel reached. */
        String greeting() throws IOException {
            return line();
        }

        String greetingAndClose() throws IOException {
            try {
                return greeting();
            } finally {
                close();
            }
        }

        String echo(String text) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write((text + "\n").getBytes(US_ASCII));
            out.flush();
            return line();
        }

        boolean isClosedByPeer() {
            try {
                return socket.getInputStream().read() < 0;
            } catch (SocketException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private String line() throws IOException {
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("closed after '" + line + "'");
                }
                line.append((char) c);
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Greets each connection with its name and a newline, then echoes. */
    static final class GreetingServer implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool();

        GreetingServer(String name) throws IOException {
            server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        threads.execute(() -> serve(socket, name));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void serve(Socket socket, String name) {
            try (socket) {
                OutputStream out = socket.getOutputStream();
                out.write((name + "\n").getBytes(US_ASCII));
                out.flush();
                socket.getInputStream().transferTo(out);
            } catch (IOException e) {
                // the client went away
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
