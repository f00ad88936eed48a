package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.distribution.Socks5EndToEndIT.BoundEcho;
import io.gost.testkit.netns.NetnsTopology;
import io.gost.testkit.netns.NetnsTopology.Namespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every UDP and reverse socket in its namespace, with real namespaces (issue 16, item 6): a {@code udp} and a
 * {@code rudp} listener with {@code netns} listen inside the namespace, a {@code udp} forward with
 * {@code netns.out} sends from inside it, and {@code rtcp}/{@code rudp} through a SOCKS5 hop reach the hop from the
 * hop's {@code netns} while the hop opens the reverse ports in its service's {@code netns}. (A SOCKS5 server's UDP
 * ASSOCIATE relay in its namespace: {@code Socks5EndToEndIT.InsideANamespace}.)
 *
 * <p>Everything listens on 127.0.0.1: each namespace has a loopback of its own, so a client in the namespace reaches
 * a socket made there and a client in the default namespace does not, whatever routes exist between them. The
 * clients and the echo servers inside the namespace are {@code peer.py} run with {@code ip netns exec}. Needs root;
 * skips with the reason otherwise, or fails when {@code GOST_REQUIRE_NETNS=1}.
 */
class UdpNamespacesIT {

    private static final Duration READY = Duration.ofSeconds(30);
    /** How long a client waits for an answer that must come. */
    private static final String PATIENT = "20";
    /** How long a client waits for an answer that must not come. */
    private static final String BRIEF = "2";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private Namespace ns;

    @BeforeEach
    void createNamespace() throws IOException {
        NamespacesOrSkip.require();
        // Registered first, so removed last: after gost and the peers that use it have stopped.
        NetnsTopology topology = resources.add(NetnsTopology.create());
        ns = topology.addNamespace("udpns");
    }

    @Test
    void udpAndRudpListenersWithNetnsListenInsideTheNamespaceAndDialFromTheDefaultOne() {
        // The target is on the default namespace's loopback: only a dial made there reaches it.
        BoundEcho echo = resources.add(BoundEcho.udp(InetAddress.getLoopbackAddress()));
        int udpPort = resources.freePort();
        int rudpPort = resources.freePort();
        GostProcess gost = resources.gost(
                "-L", "udp://127.0.0.1:" + udpPort + "/127.0.0.1:" + echo.port() + "?netns=" + ns.name(),
                "-L", "rudp://127.0.0.1:" + rudpPort + "/127.0.0.1:" + echo.port() + "?netns=" + ns.name());
        awaitLog(gost, "listening on 127.0.0.1:" + udpPort + " in network namespace");
        awaitLog(gost, "listening on 127.0.0.1:" + rudpPort + " in network namespace");

        for (int port : List.of(udpPort, rudpPort)) {
            ManagedProcess inside = peerInside("udp", port, "from inside " + port, PATIENT);
            assertThat(inside.awaitExit()).as(() -> inside.describe() + gost.describe()).isZero();
            assertThat(inside.stdout().strip()).isEqualTo("from inside " + port);

            // The default namespace's 127.0.0.1 has no such port: the listener is not here.
            ManagedProcess outside = peer("udp", port, "from the host", BRIEF);
            assertThat(outside.awaitExit()).as(outside::describe).isEqualTo(1);
            assertThat(outside.stdout()).as(outside::describe).isEmpty();
        }
        assertThat(echo.peers()).as("senders to the echo server").containsOnly(InetAddress.getLoopbackAddress());
    }

    @Test
    void udpForwardWithNetnsOutSendsFromInsideTheNamespace() {
        // The target is on the namespace's own loopback: only a socket made inside the namespace reaches it.
        int echoPort = resources.freePort();
        ManagedProcess echo = NamespaceProcesses.awaitOutput(resources.process("udp-echo-inside",
                inside("udp-echo", "127.0.0.1", String.valueOf(echoPort))), "listening");
        int port = resources.freePort();
        GostProcess gost = resources.gost(
                "-L", "udp://127.0.0.1:" + port + "/127.0.0.1:" + echoPort + "?netns.out=" + ns.name());
        awaitLog(gost, "listening on 127.0.0.1:" + port);

        ManagedProcess client = peer("udp", port, "sent from the namespace", PATIENT);

        assertThat(client.awaitExit()).as(() -> client.describe() + gost.describe() + echo.describe()).isZero();
        assertThat(client.stdout().strip()).isEqualTo("sent from the namespace");
        assertThat(echo.stdout()).as(echo::describe).contains("from 127.0.0.1");
    }

    @Test
    void rtcpAndRudpReachAHopInsideTheNamespaceWhichOpensTheirPortsThere() {
        BoundEcho tcpEcho = resources.add(BoundEcho.tcp(InetAddress.getLoopbackAddress()));
        BoundEcho udpEcho = resources.add(BoundEcho.udp(InetAddress.getLoopbackAddress()));
        int hopPort = resources.freePort();
        // The hop runs in the default namespace; its listener and the ports it opens for MBIND and UDP-TUN binds
        // are made in its service's netns, on that namespace's loopback.
        GostProcess hop = resources.gost("-L",
                "socks5://127.0.0.1:" + hopPort + "?bind=true&udp=true&netns=" + ns.name());
        awaitLog(hop, "listening on 127.0.0.1:" + hopPort + " in network namespace");
        int rtcpPort = resources.freePort();
        int rudpPort = resources.freePort();
        // The hop is reachable only from inside the namespace (its 127.0.0.1): the chain's socket must be made there.
        GostProcess gost = resources.gost(
                "-L", "rtcp://127.0.0.1:" + rtcpPort + "/127.0.0.1:" + tcpEcho.port(),
                "-L", "rudp://127.0.0.1:" + rudpPort + "/127.0.0.1:" + udpEcho.port(),
                "-F", "socks5://127.0.0.1:" + hopPort + "?netns=" + ns.name());
        awaitLog(gost, "the hop listens on 127.0.0.1:" + rtcpPort);
        awaitLog(gost, "the hop listens on 127.0.0.1:" + rudpPort);

        ManagedProcess tcpClient = peerInside("tcp", rtcpPort, "reverse tcp", PATIENT);
        ManagedProcess udpClient = peerInside("udp", rudpPort, "reverse udp", PATIENT);

        assertThat(tcpClient.awaitExit()).as(() -> tcpClient.describe() + gost.describe() + hop.describe()).isZero();
        assertThat(tcpClient.stdout().strip()).isEqualTo("reverse tcp");
        assertThat(udpClient.awaitExit()).as(() -> udpClient.describe() + gost.describe() + hop.describe()).isZero();
        assertThat(udpClient.stdout().strip()).isEqualTo("reverse udp");
        // Not on the default namespace's loopback.
        ManagedProcess outside = peer("tcp", rtcpPort, "from the host", BRIEF);
        assertThat(outside.awaitExit()).as(outside::describe).isEqualTo(1);
    }

    // Helpers

    private void awaitLog(GostProcess gost, String text) {
        Waits.until("gost to log '" + text + "'", READY, () -> gost.output().contains(text), () -> !gost.isAlive(),
                gost::describe);
    }

    /** {@code peer.py MODE 127.0.0.1 PORT TEXT SECONDS} inside the namespace. */
    private ManagedProcess peerInside(String mode, int port, String text, String seconds) {
        return resources.process("peer-inside", inside(mode, "127.0.0.1", String.valueOf(port), text, seconds));
    }

    /** {@code peer.py MODE 127.0.0.1 PORT TEXT SECONDS} in the default namespace. */
    private ManagedProcess peer(String mode, int port, String text, String seconds) {
        return resources.process("peer-outside", List.of(python(), script().toString(), mode, "127.0.0.1",
                String.valueOf(port), text, seconds));
    }

    private List<String> inside(String... peerArgs) {
        List<String> command = new ArrayList<>(NamespaceProcesses.inside(ns));
        command.add(python());
        command.add(script().toString());
        command.addAll(List.of(peerArgs));
        return command;
    }

    private static Path script() {
        URL script = UdpNamespacesIT.class.getClassLoader().getResource("peer.py");
        if (script == null) {
            throw new AssertionError("peer.py is missing from the test resources");
        }
        try {
            return Paths.get(script.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The system's Python 3: a version manager's shim may not work inside {@code ip netns exec}. */
    static String python() {
        return Files.isExecutable(Paths.get("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
