package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.testkit.netns.NetnsTopology;
import io.gost.testkit.netns.NetnsTopology.Namespace;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GOST's {@code interface} and {@code so_mark} on real veths (issue 17, item 6). Two namespaces A and B, each
 * joined to the default namespace by a veth pair, both own the same address T (A's inside address; B has it too),
 * and the default namespace routes T to A (metric 10) and, second, to B (metric 100). A server on T:PORT in each
 * namespace answers every connection with its namespace's letter and the client address it saw. So which
 * namespace answers, and from which address, tells how gost made its socket:
 *
 * <ul>
 *   <li>no option: the route, to A, from A's veth end (.11);</li>
 *   <li>{@code interface=<B's veth end>}: bound to that device ({@code SO_BINDTODEVICE}: only the device's route
 *       is used) and its address: B, from B's .11;</li>
 *   <li>{@code interface=<a second address of A's veth end>}: A, from that address;</li>
 *   <li>{@code so_mark=M}: a policy rule sends marked packets to a table routing T to B, so only a socket marked
 *       before it connects reaches B.</li>
 * </ul>
 *
 * The topology, its routes and the rule are made once for the class and removed after it (the routes go with the
 * veths; the rule, with a random mark, table and priority, is deleted by itself). Needs root; skips with the
 * reason otherwise, or fails when {@code GOST_REQUIRE_NETNS=1}.
 */
class OutboundInterfaceIT {

    private static final int PEER_PORT = 8400;

    private static NetnsTopology topology;
    private static Namespace a;
    private static Namespace b;
    /** The address both namespaces have. */
    private static String target;
    /** A second address of A's veth end in the default namespace. */
    private static String secondAddress;
    private static int mark;
    private static int rulePriority;
    private static Exception setupFailure;

    @RegisterExtension
    final TestResources resources = new TestResources();

    @BeforeAll
    static void buildTopology() {
        if (NetnsTopology.unavailableReason().isPresent()) {
            return; // each test reports the reason
        }
        try {
            topology = NetnsTopology.create();
            a = topology.addNamespace("ifa");
            b = topology.addNamespace("ifb");
            target = a.insideAddress().getHostAddress();
            String subnet = target.substring(0, target.lastIndexOf('.'));
            secondAddress = subnet + ".12";
            ThreadLocalRandom random = ThreadLocalRandom.current();
            mark = 0x6a000000 | random.nextInt(1 << 16);
            int table = 20_000 + random.nextInt(10_000);
            rulePriority = 20_000 + random.nextInt(10_000);
            // Strict reverse-path filtering would drop B's answers (T is routed to A); loose or off lets them in.
            for (Namespace namespace : List.of(a, b)) {
                sysctl("net.ipv4.conf." + namespace.outsideInterface() + ".rp_filter", "0");
            }
            ip("-n", b.name(), "addr", "add", target + "/32", "dev", b.insideInterface());
            ip("route", "add", target + "/32", "dev", a.outsideInterface(), "metric", "10");
            ip("route", "add", target + "/32", "dev", b.outsideInterface(), "metric", "100");
            ip("addr", "add", secondAddress + "/24", "dev", a.outsideInterface());
            ip("route", "add", target + "/32", "dev", b.outsideInterface(), "table", String.valueOf(table));
            ip("rule", "add", "fwmark", String.valueOf(mark), "lookup", String.valueOf(table), "priority",
                    String.valueOf(rulePriority));
        } catch (IOException | RuntimeException e) {
            setupFailure = e;
        }
    }

    @AfterAll
    static void removeTopology() throws IOException {
        if (topology == null) {
            return;
        }
        try {
            if (rulePriority != 0) {
                run(List.of(NamespaceProcesses.ip(), "rule", "del", "priority", String.valueOf(rulePriority)));
            }
        } finally {
            topology.close(); // the routes and the second address go with the veths
        }
        String rules = run(List.of(NamespaceProcesses.ip(), "rule", "list"));
        assertThat(rules).as("ip rule list after the tests").doesNotContain(Integer.toHexString(mark));
    }

    @BeforeEach
    void requireTopology() {
        NamespacesOrSkip.require();
        if (setupFailure != null) {
            throw new AssertionError("could not build the topology", setupFailure);
        }
    }

    @Test
    void aServiceLeavesThroughItsInterfaceItsAddressOrItsMarkedRoute() throws IOException {
        startPeers();
        int plain = resources.freePort();
        int device = resources.freePort();
        int address = resources.freePort();
        int marked = resources.freePort();
        String to = "/" + target + ":" + PEER_PORT;
        GostProcess gost = resources.gost(
                "-L", "tcp://127.0.0.1:" + plain + to,
                "-L", "tcp://127.0.0.1:" + device + to + "?interface=" + b.outsideInterface(),
                "-L", "tcp://127.0.0.1:" + address + to + "?interface=" + secondAddress,
                "-L", "tcp://127.0.0.1:" + marked + to + "?so_mark=" + mark)
                .awaitPort(plain).awaitPort(device).awaitPort(address).awaitPort(marked);

        assertThat(answerThrough(plain)).as(gost::describe).isEqualTo("A " + a.outsideAddress().getHostAddress());
        assertThat(answerThrough(device)).as(gost::describe).isEqualTo("B " + b.outsideAddress().getHostAddress());
        assertThat(answerThrough(address)).as(gost::describe).isEqualTo("A " + secondAddress);
        assertThat(answerThrough(marked)).as(gost::describe).isEqualTo("B " + b.outsideAddress().getHostAddress());
    }

    @Test
    void aChainNodeWithAnInterfaceReachesItsProxyThroughThatDevice() throws IOException {
        startPeers();
        // A SOCKS5 proxy on T in each namespace; each reaches the server on T of its own namespace.
        int proxyPort = PEER_PORT + 1;
        for (Namespace namespace : List.of(a, b)) {
            GostProcess proxy = NamespaceProcesses.gost(resources, namespace, "-L",
                    "socks5://" + target + ":" + proxyPort);
            NamespaceProcesses.awaitOutput(proxy, "listening on " + target + ":" + proxyPort);
        }
        int port = resources.freePort();
        Path config = resources.write("node-interface.yaml", String.join("\n",
                "services:",
                "- name: forward",
                "  addr: 127.0.0.1:" + port,
                "  handler: {type: tcp, chain: chain-0}",
                "  listener: {type: tcp}",
                "  forwarder:",
                "    nodes:",
                "    - {name: target, addr: '" + target + ":" + PEER_PORT + "'}",
                "chains:",
                "- name: chain-0",
                "  hops:",
                "  - name: hop-0",
                "    nodes:",
                "    - name: node-0",
                "      addr: " + target + ":" + proxyPort,
                "      interface: " + b.outsideInterface(),
                "      connector: {type: socks5}",
                "      dialer: {type: tcp}",
                ""));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);

        // B's proxy answered: the socket to the node left through B's veth (the route leads to A's proxy).
        assertThat(answerThrough(port)).as(gost::describe).startsWith("B ");
    }

    @Test
    void anInterfaceThatDoesNotExistIsAPlanningErrorNamingFileAndLine() {
        String missing = "nosuch" + topology.suffix();
        Path config = resources.write("missing-interface.yaml", String.join("\n",
                "services:",
                "- name: forward",
                "  addr: 127.0.0.1:" + resources.freePort(),
                "  handler: {type: tcp, chain: chain-0}",
                "  listener: {type: tcp}",
                "  forwarder: {nodes: [{name: target, addr: '" + target + ":" + PEER_PORT + "'}]}",
                "chains:",
                "- name: chain-0",
                "  hops:",
                "  - name: hop-0",
                "    nodes:",
                "    - name: node-0",
                "      addr: " + target + ":" + (PEER_PORT + 1),
                "      interface: " + missing,
                "      connector: {type: socks5}",
                ""));

        GostProcess check = resources.gost("check", config.toString());

        assertThat(check.awaitExit()).as(check::describe).isNotZero();
        assertThat(check.stderr()).as(check::describe)
                .contains("missing-interface.yaml:14")
                .contains("interface '" + missing + "' does not exist");
        assertThat(check.stdout()).as(check::describe).doesNotContain("configuration OK");
    }

    // Helpers

    /** A socat server on T:PEER_PORT in A and in B, answering "LETTER CLIENT_ADDRESS" and closing. */
    private void startPeers() {
        for (Namespace namespace : List.of(a, b)) {
            String letter = namespace == a ? "A" : "B";
            List<String> command = new java.util.ArrayList<>(NamespaceProcesses.inside(namespace));
            command.addAll(List.of(socat(), "-d", "-d",
                    "TCP4-LISTEN:" + PEER_PORT + ",bind=" + target + ",fork,reuseaddr",
                    "SYSTEM:echo " + letter + " $SOCAT_PEERADDR"));
            ManagedProcess peer = resources.process("peer-" + letter, command);
            NamespaceProcesses.awaitOutput(peer, "listening on");
        }
    }

    /** What comes back through the forward on 127.0.0.1:{@code port}: one line, without its end. */
    private static String answerThrough(int port) throws IOException {
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            client.setSoTimeout(20_000);
            InputStream in = client.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(NamespaceProcesses.ip());
        command.addAll(List.of(args));
        run(command);
    }

    private static void sysctl(String key, String value) throws IOException {
        java.nio.file.Files.writeString(Path.of("/proc/sys", key.replace('.', '/')), value);
    }

    /** Runs {@code command}, returns its output; fails naming it when it exits with an error. */
    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
        }
        return output;
    }

    private static String socat() {
        for (String directory : List.of("/usr/bin", "/usr/local/bin", "/bin")) {
            if (java.nio.file.Files.isExecutable(Path.of(directory, "socat"))) {
                return directory + "/socat";
            }
        }
        throw new AssertionError("socat is not installed; the interface tests need it: apt-get install -y socat");
    }
}
