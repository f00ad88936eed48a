package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.testkit.netns.NetnsTopology;
import io.gost.testkit.netns.NetnsTopology.Namespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three scenarios of GOST's "Network Namespace" page, run with the built {@code bin/gost} on real
 * namespaces, each written three ways: the page's command line, its YAML ({@code gost -C}) and the HOCON twin
 * ({@code gost run}) from {@code examples/netns/}, with only the addresses and names replaced.
 *
 * <p>The topology is the page's (namespaces ns1 and ns2, each joined to the default namespace by a veth pair,
 * lo up in each), with random name suffixes and free 198.18.x.0/24 subnets instead of 10.0.x.0/24: the inside
 * ends are {@code .1}, the default-namespace ends {@code .11}. Clients and servers that belong inside a
 * namespace run there as processes of their own ({@code ip netns exec}). Needs root; skips with the reason
 * otherwise, or fails when {@code GOST_REQUIRE_NETNS=1}.
 */
class NetnsEndToEndIT {

    /** The page's service port, in ns1, and the echo port in ns2 (scenario 2). */
    private static final int SEED_PORT = 8000;

    /** The page's HTTP proxy port, in ns2 (scenario 3). */
    private static final int PROXY_PORT = 8080;

    private static final int PAYLOAD_SIZE = 4 * 1024 * 1024;

    private static NetnsTopology topology;
    private static Namespace ns1;
    private static Namespace ns2;
    private static Exception topologyFailure;

    @RegisterExtension
    final TestResources resources = new TestResources();

    /** The page's three ways to give gost the same services. */
    enum Form {
        /** {@code gost -L ... -F ...}. */
        CLI,
        /** The page's YAML, {@code gost -C file.yaml}. */
        YAML,
        /** The HOCON twin, {@code gost run file.conf}. */
        HOCON
    }

    @BeforeAll
    static void buildSeedTopology() {
        if (NetnsTopology.unavailableReason().isPresent()) {
            return; // each test reports the reason
        }
        try {
            topology = NetnsTopology.seed();
            ns1 = topology.namespaces().get(0);
            ns2 = topology.namespaces().get(1);
        } catch (IOException | RuntimeException e) {
            topologyFailure = e;
        }
    }

    @AfterAll
    static void removeTopologyLeavingNothingBehind() throws IOException, InterruptedException {
        if (topology == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (Namespace namespace : topology.namespaces()) {
            names.addAll(List.of(namespace.name(), namespace.insideInterface(), namespace.outsideInterface()));
        }
        topology.close();

        String namespacesLeft = run(NamespaceProcesses.ip(), "netns", "list");
        String linksLeft = run(NamespaceProcesses.ip(), "-o", "link", "show");
        for (String name : names) {
            assertThat(namespacesLeft).as("ip netns list after the tests").doesNotContain(name);
            assertThat(linksLeft).as("ip link show after the tests").doesNotContain(name);
        }
    }

    @BeforeEach
    void requireNamespaces() {
        NamespacesOrSkip.require();
        if (topologyFailure != null) {
            throw new AssertionError("could not build the seed topology", topologyFailure);
        }
    }

    // Scenario 1: gost -L tcp://NS1:8000/:PORT?netns=ns1

    @ParameterizedTest(name = "{0}")
    @EnumSource(Form.class)
    void listenerInNs1ForwardsToTheDefaultNamespace(Form form) {
        EchoServer echo = resources.add(new EchoServer()); // 127.0.0.1 of the default namespace
        GostProcess gost = startGost(form,
                List.of("-L", "tcp://" + ns1Service() + "/:" + echo.port() + "?netns=" + ns1.name()),
                "seed-1-listen-in-ns1",
                Map.of("(?<![\\d.]):8000\\b", ":" + echo.port(), "198\\.18\\.0\\.1\\b", ns1Ip()));

        assertEchoFromInsideNs1(gost, 1);
    }

    // Scenario 2: gost -L "tcp://NS1:8000/NS2:8000?netns=ns1&netns.out=/run/netns/ns2"

    @ParameterizedTest(name = "{0}")
    @EnumSource(Form.class)
    void listenerInNs1ForwardsFromNs2GivenByPath(Form form) {
        ManagedProcess echo = NamespaceProcesses.java(resources, "echo-in-ns2", ns2, BoundEchoServer.class,
                ns2Ip(), String.valueOf(SEED_PORT));
        NamespaceProcesses.awaitOutput(echo, BoundEchoServer.LISTENING);
        GostProcess gost = startGost(form,
                List.of("-L", "tcp://" + ns1Service() + "/" + ns2Ip() + ":" + SEED_PORT + "?netns=" + ns1.name()
                        + "&netns.out=" + ns2.path()),
                "seed-2-netns-out",
                Map.of("198\\.18\\.0\\.1\\b", ns1Ip(), "198\\.18\\.1\\.1\\b", ns2Ip()));

        assertEchoFromInsideNs1(gost, 2);

        // From the default namespace the target is reachable too, but from 198.18.y.11: only a socket made
        // inside ns2 reaches it from ns2's own address.
        assertThat(acceptedFrom(echo)).as(echo::describe).isNotEmpty().containsOnly(ns2Ip());
    }

    // Scenario 3: gost -L tcp://NS1:8000/DEFAULT2:PORT?netns=ns1 -F http://NS2:8080?netns=ns2

    @ParameterizedTest(name = "{0}")
    @EnumSource(Form.class)
    void chainHopInNs2ThroughGostHttpProxyReachesTheDefaultNamespace(Form form) {
        BoundEchoServer echo = resources.add(new BoundEchoServer(ns2.outsideAddress(), 0, null));
        GostProcess proxy = NamespaceProcesses.gost(resources, ns2, "-L", "http://" + ns2Ip() + ":" + PROXY_PORT);
        NamespaceProcesses.awaitAccepting(proxy, new InetSocketAddress(ns2.insideAddress(), PROXY_PORT));

        GostProcess gost = startChainedForward(form, echo);

        assertEchoFromInsideNs1(gost, 3);
        assertThat(echo.clients()).as("clients of the echo server behind the proxy in ns2")
                .isNotEmpty().containsOnly(ns2.insideAddress());
        // gost's connection log names the client of each tunnel to the echo server: the forward's socket to
        // the hop was made inside ns2, so it came from ns2's own address, not from 198.18.y.11.
        String target = ns2.outsideAddress().getHostAddress() + ":" + echo.port();
        assertThat(tunnelClients(proxy, target)).as(proxy::describe).isNotEmpty().containsOnly(ns2Ip());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Form.class)
    void chainHopInNs2ThroughTinyproxyReachesTheDefaultNamespace(Form form) {
        BoundEchoServer echo = resources.add(new BoundEchoServer(ns2.outsideAddress(), 0, null));
        // tinyproxy serves only ns2's own address: a hop socket made in the default namespace (from
        // 198.18.y.11) would be refused.
        ManagedProcess tinyproxy = NamespaceProcesses.tinyproxy(resources, ns2, PROXY_PORT, ns2Ip(), echo.port());
        NamespaceProcesses.awaitAccepting(tinyproxy, new InetSocketAddress(ns2.insideAddress(), PROXY_PORT));

        GostProcess gost = startChainedForward(form, echo);

        assertEchoFromInsideNs1(gost, 4);
        assertThat(echo.clients()).as("clients of the echo server behind tinyproxy")
                .isNotEmpty().containsOnly(ns2.insideAddress());
        assertThat(tinyproxy.output()).as(tinyproxy::describe)
                .contains("CONNECT " + ns2.outsideAddress().getHostAddress() + ":" + echo.port());
    }

    // TLS: the tls listener's socket is made inside the namespace like tcp's (the TLS stage sits on it)

    @Test
    void tlsListenerInNs1ServesAGostTlsClientFromTheDefaultNamespace() {
        EchoServer echo = resources.add(new EchoServer()); // 127.0.0.1 of the default namespace
        int forwardPort = resources.freePort();
        GostProcess server = resources.gost("-L", "socks5+tls://" + ns1Service() + "?netns=" + ns1.name());
        NamespaceProcesses.awaitAccepting(server, new InetSocketAddress(ns1.insideAddress(), SEED_PORT));
        resources.gost("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                "-F", "socks5+tls://" + ns1Service()).awaitPort(forwardPort);
        byte[] payload = Payloads.random(PAYLOAD_SIZE, 5);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        // The client reached ns1's address over the veth pair, from the default namespace's end of it.
        String target = "127.0.0.1:" + echo.port();
        assertThat(tunnelClients(server, target)).as(server::describe).isNotEmpty()
                .containsOnly(ns1.outsideAddress().getHostAddress());
    }

    // Errors

    @Test
    void missingNamespaceStopsGostNamingServiceNamespacePathAndHowToCreateIt() {
        String missing = "gost-missing-" + topology.suffix();

        GostProcess gost = resources.gost("-L",
                "tcp://127.0.0.1:" + resources.freePort() + "/:" + resources.freePort() + "?netns=" + missing);

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.stderr()).as(gost::describe)
                .contains("service-0")
                .contains("'" + missing + "'")
                .contains("/run/netns/" + missing)
                .contains("ip netns add " + missing);
    }

    @Test
    void checkRejectsANamespaceNameWithASlashNamingTheKey() {
        GostProcess gost = resources.gost("check", "-L",
                "tcp://127.0.0.1:" + resources.freePort() + "/:" + resources.freePort() + "?netns=a/b");

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.stderr()).as(gost::describe).contains("netns").contains("'a/b'");
        assertThat(gost.stdout()).as(gost::describe).doesNotContain("configuration OK");
    }

    // Helpers

    private GostProcess startChainedForward(Form form, BoundEchoServer echo) {
        String target = ns2.outsideAddress().getHostAddress() + ":" + echo.port();
        return startGost(form,
                List.of("-L", "tcp://" + ns1Service() + "/" + target + "?netns=" + ns1.name(),
                        "-F", "http://" + ns2Ip() + ":" + PROXY_PORT + "?netns=" + ns2.name()),
                "seed-3-chain",
                Map.of("198\\.18\\.0\\.1\\b", ns1Ip(),
                        "198\\.18\\.1\\.11:8000\\b", target,
                        "198\\.18\\.1\\.1\\b", ns2Ip()));
    }

    /**
     * Starts gost as {@code form} says: with {@code cli}, or with {@code examples/netns/example.yaml|.conf}
     * where the page's names ns1, ns2 become this topology's and each {@code addresses} pattern its
     * replacement (applied in order, longest first where one is a prefix of another). Returns once the
     * service accepts in ns1.
     */
    private GostProcess startGost(Form form, List<String> cli, String example, Map<String, String> addresses) {
        GostProcess gost = switch (form) {
            case CLI -> resources.gost(cli.toArray(String[]::new));
            case YAML -> resources.gost("-C", exampleForThisTopology(example + ".yaml", addresses).toString());
            case HOCON -> resources.gost("run", exampleForThisTopology(example + ".conf", addresses).toString());
        };
        // ns1 is reachable from the default namespace through its veth, so the test JVM can wait for it.
        return NamespaceProcesses.awaitAccepting(gost, new InetSocketAddress(ns1.insideAddress(), SEED_PORT));
    }

    private Path exampleForThisTopology(String fileName, Map<String, String> addresses) {
        Path examples = Paths.get(System.getProperty("gost.examples.dir", "../examples")).resolve("netns");
        String text;
        try {
            text = Files.readString(examples.resolve(fileName), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the example " + fileName + " from " + examples, e);
        }
        Map<String, String> replacements = new LinkedHashMap<>();
        // Longer literals first: 198.18.1.11 before 198.18.1.1.
        addresses.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()))
                .forEach(entry -> replacements.put(entry.getKey(), entry.getValue()));
        replacements.put("\\bns1\\b", ns1.name());
        for (Map.Entry<String, String> replacement : replacements.entrySet()) {
            Matcher matcher = Pattern.compile(replacement.getKey()).matcher(text);
            assertThat(matcher.find()).as("%s contains %s", fileName, replacement.getKey()).isTrue();
            text = matcher.replaceAll(Matcher.quoteReplacement(replacement.getValue()));
        }
        // Only scenarios 2 and 3 name ns2.
        text = text.replaceAll("\\bns2\\b", Matcher.quoteReplacement(ns2.name()));
        // No address of the documented topology may be left over (this topology's own may look alike).
        Matcher leftover = Pattern.compile("\\b198\\.18\\.[01]\\.(1|11)\\b").matcher(text);
        while (leftover.find()) {
            String address = leftover.group();
            assertThat(addresses.values().stream().anyMatch(value -> value.startsWith(address)))
                    .as("%s still names the documented address %s", fileName, address).isTrue();
        }
        return resources.write(fileName, text);
    }

    /**
     * Sends a multi-megabyte payload from a client inside ns1 to the service on 198.18.x.1:8000 and checks
     * that every byte came back (the client compares them; the test checks its count and SHA-256).
     */
    private void assertEchoFromInsideNs1(GostProcess gost, long seed) {
        ManagedProcess client = NamespaceProcesses.java(resources, "client-in-ns1", ns1, EchoClientProgram.class,
                ns1Ip(), String.valueOf(SEED_PORT), String.valueOf(PAYLOAD_SIZE), String.valueOf(seed));
        int exitCode = NamespaceProcesses.awaitExit(client);

        String expected = EchoClientProgram.RESULT + PAYLOAD_SIZE + " of " + PAYLOAD_SIZE + " bytes, sha256 "
                + EchoClientProgram.sha256(Payloads.random(PAYLOAD_SIZE, seed)) + ", identical";
        assertThat(client.stdout()).as(() -> client.describe() + "\n" + gost.describe()).contains(expected);
        assertThat(exitCode).as(client::describe).isZero();
    }

    /**
     * The client addresses in gost's connection log lines ({@code client=ADDRESS:PORT dst=TARGET ...}) of the
     * tunnels to {@code target}.
     */
    private static List<String> tunnelClients(GostProcess proxy, String target) {
        Pattern line = Pattern.compile("client=(\\S+):\\d+ dst=" + Pattern.quote(target) + "\\s");
        return proxy.output().lines()
                .map(line::matcher)
                .filter(Matcher::find)
                .map(matcher -> matcher.group(1))
                .toList();
    }

    private static List<String> acceptedFrom(ManagedProcess echo) {
        return echo.stdout().lines()
                .filter(line -> line.startsWith(BoundEchoServer.ACCEPTED))
                .map(line -> line.substring(BoundEchoServer.ACCEPTED.length()).strip())
                .toList();
    }

    private static String ns1Service() {
        return ns1Ip() + ":" + SEED_PORT;
    }

    private static String ns1Ip() {
        return ns1.insideAddress().getHostAddress();
    }

    private static String ns2Ip() {
        return ns2.insideAddress().getHostAddress();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
        return output;
    }
}
