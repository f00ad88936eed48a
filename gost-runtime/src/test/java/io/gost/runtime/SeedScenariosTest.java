package io.gost.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.NetnsRef;
import io.gost.api.SocketPurpose.Kind;
import io.gost.testkit.netns.RecordingNetnsProvider;
import io.gost.testkit.netns.SocketRecord;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.HoconConfigLoader;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.testing.EchoServer;
import io.gost.runtime.transport.NettyTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The three scenarios of GOST's network namespace page, composed by the real runtime with the recording
 * provider: traffic really flows (on loopback), and the provider's records prove which namespace every
 * socket was created in. Each scenario runs from the command line, the page's YAML and its HOCON twin.
 */
class SeedScenariosTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "netns");
    private static final NetnsRef NS1 = NetnsRef.parse("ns1");
    private static final NetnsRef NS2_PATH = NetnsRef.parse("/run/netns/ns2");
    private static final NetnsRef NS2 = NetnsRef.parse("ns2");

    private final byte[] payload = new byte[2 * 1024 * 1024];
    private final RecordingNetnsProvider provider = new RecordingNetnsProvider();
    private NettyTransport transport;
    private EchoServer echo;
    private GostRuntime runtime;
    private GostRuntime proxy;

    @BeforeEach
    void setUp() throws IOException {
        new Random(7).nextBytes(payload);
        transport = NettyTransport.create(2);
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (runtime != null) {
            runtime.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        transport.close();
        echo.close();
    }

    private GostRuntime start(GostConfig config, RecordingNetnsProvider recorder) {
        GostRuntime started = GostRuntime.create(config, PluginRegistry.load(), recorder, transport);
        started.start();
        return started;
    }

    private InetSocketAddress listenAddress(GostRuntime started) {
        return (InetSocketAddress) started.services().get(0).boundAddress();
    }

    private void assertPayloadRoundTrips(GostRuntime started) throws IOException {
        assertThat(EchoServer.roundTrip(listenAddress(started), payload)).isEqualTo(payload);
    }

    /** The page's file with only the addresses changed, as the tests on loopback need. */
    private GostConfig fromExample(String file, Function<String, String> addresses) throws IOException {
        Path path = EXAMPLES.resolve(file);
        String text = addresses.apply(Files.readString(path));
        return file.endsWith(".yaml") ? new YamlConfigLoader().parse(text, file) : new HoconConfigLoader().parse(text, file);
    }

    private static List<String> describe(List<SocketRecord> records) {
        return records.stream()
                .map(r -> r.purpose().kind() + " " + r.purpose().owner() + " in "
                        + (r.namespace() == null ? "current" : r.namespace().value()))
                .toList();
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"cli", "yaml", "hocon"})
    void listeningInNs1ForwardsFromTheDefaultNamespace(String source) throws IOException {
        GostConfig config = switch (source) {
            case "cli" -> new CommandLineParser().parse(List.of("tcp://127.0.0.1:0/:" + echo.port() + "?netns=ns1"), List.of());
            default -> fromExample("seed-1-listen-in-ns1." + (source.equals("yaml") ? "yaml" : "conf"),
                    text -> text.replace("198.18.0.1:8000", "127.0.0.1:0").replace(":8000", ":" + echo.port()));
        };
        runtime = start(config, provider);

        assertPayloadRoundTrips(runtime);

        assertThat(describe(provider.records())).containsExactly(
                "LISTEN service-0 in ns1",
                "DIAL_TARGET service-0 in current");
        assertThat(provider.recordsFor(Kind.LISTEN).get(0).threadName()).isEqualTo("gost-netns-ns1");
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"cli", "yaml", "hocon"})
    void netnsOutDialsTheTargetFromNs2GivenByPath(String source) throws IOException {
        GostConfig config = switch (source) {
            case "cli" -> new CommandLineParser().parse(List.of("tcp://127.0.0.1:0/127.0.0.1:" + echo.port()
                    + "?netns=ns1&netns.out=/run/netns/ns2"), List.of());
            default -> fromExample("seed-2-netns-out." + (source.equals("yaml") ? "yaml" : "conf"),
                    text -> text.replace("198.18.0.1:8000", "127.0.0.1:0").replace("198.18.1.1:8000", echo.address()));
        };
        runtime = start(config, provider);

        assertPayloadRoundTrips(runtime);

        assertThat(describe(provider.records())).containsExactly(
                "LISTEN service-0 in ns1",
                "DIAL_TARGET service-0 in /run/netns/ns2");
        assertThat(provider.recordsFor(Kind.DIAL_TARGET).get(0).namespace()).isEqualTo(NS2_PATH);
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"cli", "yaml", "hocon"})
    void aChainHopInNs2IsDialedFromNs2AndNetnsOutPlaysNoPart(String source) throws IOException {
        RecordingNetnsProvider proxyProvider = new RecordingNetnsProvider();
        proxy = start(new CommandLineParser().parse(List.of("http://127.0.0.1:0"), List.of()), proxyProvider);
        String proxyAddress = "127.0.0.1:" + listenAddress(proxy).getPort();
        GostConfig config = switch (source) {
            case "cli" -> new CommandLineParser().parse(
                    List.of("tcp://127.0.0.1:0/" + echo.address() + "?netns=ns1"),
                    List.of("http://" + proxyAddress + "?netns=ns2"));
            default -> fromExample("seed-3-chain." + (source.equals("yaml") ? "yaml" : "conf"),
                    text -> text.replace("198.18.0.1:8000", "127.0.0.1:0").replace("198.18.1.11:8000", echo.address())
                            .replace("198.18.1.1:8080", proxyAddress));
        };
        runtime = start(config, provider);

        assertPayloadRoundTrips(runtime);

        assertThat(describe(provider.records())).containsExactly(
                "LISTEN service-0 in ns1",
                "DIAL_NODE node-0 in ns2");
        assertThat(provider.recordsFor(Kind.DIAL_NODE).get(0).namespace()).isEqualTo(NS2);
        // The HTTP proxy hop, in the default namespace, reached the target itself.
        assertThat(describe(proxyProvider.records())).containsExactly(
                "LISTEN service-0 in current",
                "DIAL_TARGET service-0 in current");
    }

    @Test
    void namespaceHandlesAreClosedWhenTheRuntimeCloses() {
        runtime = start(new CommandLineParser().parse(List.of("tcp://127.0.0.1:0/" + echo.address()
                + "?netns=ns1&netns.out=ns2"), List.of()), provider);
        assertThat(provider.openNamespaces()).containsExactlyInAnyOrder(NS1, NS2);

        runtime.close();

        assertThat(provider.openNamespaces()).isEmpty();
    }

    @Test
    void aMissingNamespaceFailsStartUpNamingTheServiceAndReleasesEverything() throws IOException {
        provider.failOpen(NS2, "network namespace 'ns2' does not exist: /run/netns/ns2 not found;"
                + " create it with `ip netns add ns2`");
        int firstPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            firstPort = free.getLocalPort();
        }
        GostConfig config = new CommandLineParser().parse(List.of(
                "tcp://127.0.0.1:" + firstPort + "/" + echo.address() + "?netns=ns1",
                "tcp://127.0.0.1:0/" + echo.address() + "?netns.out=ns2"), List.of());
        GostRuntime failing = GostRuntime.create(config, PluginRegistry.load(), provider, transport);

        assertThatThrownBy(failing::start)
                .isInstanceOf(GostRuntime.NetnsStartException.class)
                .hasMessage("service 'service-1': network namespace 'ns2' does not exist: /run/netns/ns2 not found;"
                        + " create it with `ip netns add ns2`");
        assertThat(provider.openNamespaces()).isEmpty();
        assertThat(failing.services()).isEmpty();
        InetSocketAddress firstListener = new InetSocketAddress("127.0.0.1", firstPort);
        assertThatThrownBy(() -> EchoServer.roundTrip(firstListener, payload)).isInstanceOf(IOException.class);
    }
}
