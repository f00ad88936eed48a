package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.testkit.netns.NetnsTopology;
import io.gost.testkit.netns.NetnsTopology.Namespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SOCKS5 end to end with the built {@code bin/gost}: the {@code socks5} and {@code auto} services judged by
 * the real curl, the {@code socks5} connector judged by Dante and microsocks, chains that mix {@code http}
 * and {@code socks5} hops (gost's own and third-party ones), and a {@code socks5} service inside a network
 * namespace serving CONNECT and UDP ASSOCIATE to a client inside it.
 *
 * <p>Every proxy and every client of it is a process of its own: all {@code -L} of one gost process share
 * its {@code -F} chain.
 */
class Socks5EndToEndIT {

    private static final String USER = "u";
    private static final String PASSWORD = "p";

    /** Big enough to fill socket buffers and Netty's pooled chunks many times over at every hop. */
    private static final int CHAIN_PAYLOAD_SIZE = 4 * 1024 * 1024;

    @RegisterExtension
    final TestResources resources = new TestResources();

    // ---- the socks5 service and curl ----

    @Test
    void socks5HostnameCurlWithCredentialsGetsThePageAndGostDialsTheNameItself() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port)
                .awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + port,
                "-U", USER + ":" + PASSWORD, "http://localhost:" + origin.port() + "/hello");

        assertThat(result.exitCode()).as(result::toString).isZero();
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
        // The name reached gost unresolved (address type DOMAIN), so gost resolved it.
        assertThat(awaitLog(gost, "dst=localhost:" + origin.port())).as(gost::describe)
                .contains("dst=localhost:" + origin.port());
    }

    @Test
    void socks5CurlWithUserOptionPostsAPayloadAndGetsItsDigestBack() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port)
                .awaitPort(port);
        byte[] body = Payloads.random(1024 * 1024, 11);
        Path file = resources.write("body.bin", body);

        Curl.Result result = Curl.run(resources.dir(), "--socks5", "127.0.0.1:" + port, "-U", USER + ":" + PASSWORD,
                "--data-binary", "@" + file, origin.url("/sha256"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.sha256(body) + " " + body.length);
        assertThat(awaitLog(gost, "dst=127.0.0.1:" + origin.port())).as(gost::describe)
                .contains("dst=127.0.0.1:" + origin.port());
    }

    @Test
    void socks5ServiceWithCredentialsRefusesCurlOfferingNone() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port)
                .awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "--socks5", "127.0.0.1:" + port, origin.url("/hello"));

        // 97: "No authentication method was acceptable" (gost answered 0xFF).
        assertThat(result.exitCode()).as(result::toString).isEqualTo(97);
        assertThat(result.status()).isZero();
        assertThat(awaitLog(gost, "replying 0xff")).as(gost::describe).contains("replying 0xff");
    }

    @Test
    void socks5ServiceRefusesCurlWithAWrongPassword() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port)
                .awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + port,
                "-U", USER + ":wrong", origin.url("/hello"));

        assertThat(result.exitCode()).as(result::toString).isEqualTo(97);
        assertThat(result.status()).isZero();
        assertThat(awaitLog(gost, "username/password rejected for user '" + USER + "'")).as(gost::describe)
                .contains("username/password rejected for user '" + USER + "'");
    }

    // ---- the auto service: one port for SOCKS5 and HTTP ----

    @Test
    void portWithoutSchemeServesSocks5HostnameSocks5AndHttpProxyClients() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        resources.gost("-L", ":" + port).awaitPort(port);

        Curl.Result socks5Hostname = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + port,
                "http://localhost:" + origin.port() + "/hello");
        Curl.Result socks5 = Curl.run(resources.dir(), "--socks5", "127.0.0.1:" + port, origin.url("/hello"));
        Curl.Result http = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port, origin.url("/hello"));

        for (Curl.Result result : List.of(socks5Hostname, socks5, http)) {
            assertThat(result.status()).as(result::toString).isEqualTo(200);
            assertThat(result.body()).as(result::toString).isEqualTo(OriginServer.HELLO);
        }
    }

    @Test
    void autoServiceWithCredentialsAuthenticatesSocks5AndHttpClientsAlike() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        resources.gost("-L", "auto://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port).awaitPort(port);
        String credentials = USER + ":" + PASSWORD;

        Curl.Result socks5 = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + port, "-U", credentials,
                origin.url("/hello"));
        Curl.Result http = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port, "-U", credentials,
                origin.url("/hello"));
        Curl.Result httpTunnel = Curl.run(resources.dir(), "-p", "-x", "http://127.0.0.1:" + port,
                "-U", credentials, origin.url("/hello"));
        Curl.Result socks5WithoutCredentials = Curl.run(resources.dir(), "--socks5", "127.0.0.1:" + port,
                origin.url("/hello"));
        Curl.Result httpWithoutCredentials = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                origin.url("/hello"));

        for (Curl.Result result : List.of(socks5, http, httpTunnel)) {
            assertThat(result.status()).as(result::toString).isEqualTo(200);
            assertThat(result.body()).as(result::toString).isEqualTo(OriginServer.HELLO);
        }
        assertThat(httpTunnel.connectCode()).as(httpTunnel::toString).isEqualTo(200);
        assertThat(socks5WithoutCredentials.exitCode()).as(socks5WithoutCredentials::toString).isEqualTo(97);
        assertThat(httpWithoutCredentials.status()).as(httpWithoutCredentials::toString).isEqualTo(407);
    }

    // ---- chains mixing http and socks5 hops ----

    @Test
    void chainOfGostHttpThenGostSocks5HopsCarriesAPayload() {
        EchoServer echo = resources.add(new EchoServer());
        int socksPort = resources.freePort();
        GostProcess socksHop = resources.gost("-L", "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + socksPort)
                .awaitPort(socksPort);
        int httpPort = resources.freePort();
        GostProcess httpHop = resources.gost("-L", "http://127.0.0.1:" + httpPort).awaitPort(httpPort);
        int forwardPort = startForward(echo, "http://127.0.0.1:" + httpPort,
                "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + socksPort);
        byte[] payload = Payloads.random(CHAIN_PAYLOAD_SIZE, 21);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        // Each hop saw the next one as its target: the chain really went http first, then socks5.
        assertThat(awaitLog(httpHop, "dst=127.0.0.1:" + socksPort)).as(httpHop::describe)
                .contains("dst=127.0.0.1:" + socksPort);
        assertThat(awaitLog(socksHop, "dst=127.0.0.1:" + echo.port())).as(socksHop::describe)
                .contains("dst=127.0.0.1:" + echo.port());
    }

    @Test
    void chainOfTinyproxyThenDanteCarriesAPayload() {
        EchoServer echo = resources.add(new EchoServer());
        int dantePort = resources.freePort();
        Socks5Peers.dante(resources, dantePort);
        int tinyproxyPort = resources.freePort();
        ManagedProcess tinyproxy = ThirdPartyProxies.tinyproxy(resources, tinyproxyPort, dantePort);
        int forwardPort = startForward(echo, "http://127.0.0.1:" + tinyproxyPort, "socks5://127.0.0.1:" + dantePort);
        byte[] payload = Payloads.random(CHAIN_PAYLOAD_SIZE, 22);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        assertThat(tinyproxy.output()).as(tinyproxy::describe)
                .contains(ThirdPartyProxies.tinyproxyConnectLine(dantePort));
        assertThat(awaitDanteLog(danteTarget(echo.port()))).contains(danteTarget(echo.port()));
    }

    @Test
    void chainOfTinyproxyThenMicrosocksWithCredentialsCarriesAPayload() {
        EchoServer echo = resources.add(new EchoServer());
        int microsocksPort = resources.freePort();
        ManagedProcess microsocks = Socks5Peers.microsocks(resources, microsocksPort, USER, PASSWORD);
        int tinyproxyPort = resources.freePort();
        ManagedProcess tinyproxy = ThirdPartyProxies.tinyproxy(resources, tinyproxyPort, microsocksPort);
        int forwardPort = startForward(echo, "http://127.0.0.1:" + tinyproxyPort,
                "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + microsocksPort);
        byte[] payload = Payloads.random(CHAIN_PAYLOAD_SIZE, 23);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        assertThat(tinyproxy.output()).as(tinyproxy::describe)
                .contains(ThirdPartyProxies.tinyproxyConnectLine(microsocksPort));
        assertThat(microsocks.output()).as(microsocks::describe).contains("connected to 127.0.0.1:" + echo.port());
    }

    // ---- the socks5 connector against third-party servers ----

    @Test
    void socks5ConnectorThroughDanteCarriesAPayload() {
        EchoServer echo = resources.add(new EchoServer());
        int dantePort = resources.freePort();
        Socks5Peers.dante(resources, dantePort);
        int forwardPort = startForward(echo, "socks5://127.0.0.1:" + dantePort);
        byte[] payload = Payloads.random(CHAIN_PAYLOAD_SIZE, 31);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        assertThat(awaitDanteLog(danteTarget(echo.port()))).contains(danteTarget(echo.port()));
    }

    @Test
    void socks5ConnectorThroughMicrosocksWithCredentialsCarriesAPayload() {
        EchoServer echo = resources.add(new EchoServer());
        int microsocksPort = resources.freePort();
        ManagedProcess microsocks = Socks5Peers.microsocks(resources, microsocksPort, USER, PASSWORD);
        int forwardPort = startForward(echo, "socks5://" + USER + ":" + PASSWORD + "@127.0.0.1:" + microsocksPort);
        byte[] payload = Payloads.random(CHAIN_PAYLOAD_SIZE, 32);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        assertThat(microsocks.output()).as(microsocks::describe).contains("connected to 127.0.0.1:" + echo.port());
    }

    @Test
    void socks5ConnectorWithAWrongPasswordForMicrosocksClosesTheClientAndSaysWhy() {
        EchoServer echo = resources.add(new EchoServer());
        int microsocksPort = resources.freePort();
        Socks5Peers.microsocks(resources, microsocksPort, USER, PASSWORD);
        int forwardPort = resources.freePort();
        GostProcess forward = resources.gost("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                "-F", "socks5://" + USER + ":wrong@127.0.0.1:" + microsocksPort).awaitPort(forwardPort);

        Payloads.assertNoEchoThrough(forwardPort);

        String expected = "rejected the username/password of user '" + USER + "'";
        assertThat(awaitLog(forward, expected)).as(forward::describe).contains(expected);
    }

    @Test
    void curlThroughGostSocks5ServiceChainedToDanteGetsThePage() {
        OriginServer origin = resources.add(new OriginServer());
        int dantePort = resources.freePort();
        Socks5Peers.dante(resources, dantePort);
        int port = resources.freePort();
        resources.gost("-L", "socks5://127.0.0.1:" + port, "-F", "socks5://127.0.0.1:" + dantePort).awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + port, origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
        assertThat(awaitDanteLog(danteTarget(origin.port()))).contains(danteTarget(origin.port()));
    }

    private int startForward(EchoServer echo, String... hops) {
        int forwardPort = resources.freePort();
        List<String> args = new ArrayList<>(List.of("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port()));
        for (String hop : hops) {
            args.addAll(List.of("-F", hop));
        }
        resources.gost(args.toArray(String[]::new)).awaitPort(forwardPort);
        return forwardPort;
    }

    /** How Dante's connect log lines write a target: address, a dot, port. */
    private static String danteTarget(int port) {
        return "127.0.0.1." + port;
    }

    private String awaitDanteLog(String expected) {
        return await(() -> Socks5Peers.danteLog(resources), expected);
    }

    /** A connection is logged when it ends, a moment after the client saw its last byte. */
    private static String awaitLog(ManagedProcess process, String expected) {
        return await(process::output, expected);
    }

    /** The log once it contains {@code expected}, or as it is after 10 s (the caller's assertion says what is missing). */
    private static String await(java.util.function.Supplier<String> log, String expected) {
        try {
            Awaitility.await().pollInSameThread().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10))
                    .until(() -> log.get().contains(expected));
        } catch (ConditionTimeoutException notLogged) {
            // the caller's assertion on the text shows what is missing
        }
        return log.get();
    }

    /**
     * {@code gost -L "socks5://NS1:1080?netns=NS1&udp=true"} in the default namespace, its listener inside a
     * fresh namespace ns1, and a Python SOCKS5 client run inside ns1 ({@code ip netns exec}). The echo servers
     * are in the default namespace on the veth's default-side address (198.18.x.11), which ns1 reaches
     * through the veth. Needs root; skips with the reason otherwise, or fails when
     * {@code GOST_REQUIRE_NETNS=1}.
     */
    @Nested
    class InsideANamespace {

        /** The service port inside ns1: ns1 is fresh, nothing else listens there. */
        private static final int SERVICE_PORT = 1080;

        private Namespace ns1;

        @BeforeEach
        void createNamespace() throws IOException {
            NamespacesOrSkip.require();
            // Registered first, so removed last: after gost and the clients that use it have stopped.
            NetnsTopology topology = resources.add(NetnsTopology.create());
            ns1 = topology.addNamespace("s5ns1");
        }

        @Test
        void connectFromAClientInsideTheNamespaceReachesAnEchoServerInTheDefaultNamespace() {
            BoundEcho echo = resources.add(BoundEcho.tcp(ns1.outsideAddress()));
            GostProcess gost = startSocks5ServiceInNs1();

            ManagedProcess client = runClientInsideNs1("connect", echo.port(), String.valueOf(1024 * 1024));

            assertThat(client.stdout()).as(client::describe).contains("echoed " + (1024 * 1024) + " bytes");
            // The client came from inside ns1, to the listener there.
            String clientPrefix = "client=" + ns1.insideAddress().getHostAddress() + ":";
            assertThat(awaitLog(gost, clientPrefix)).as(gost::describe).contains(clientPrefix);
            assertThat(echo.peers()).as("clients of the echo server").hasSize(1);
        }

        @Test
        void udpAssociateFromAClientInsideTheNamespaceRelaysThroughSocketsMadeInIt() {
            BoundEcho echo = resources.add(BoundEcho.udp(ns1.outsideAddress()));
            // The relay socket facing the client is made in netns; the socket toward targets is a dial, made in
            // netns.out (as for CONNECT), here ns1 as well.
            startSocks5ServiceInNs1("&netns.out=" + ns1.name());

            ManagedProcess client = runClientInsideNs1("udp", echo.port());

            String ns1Ip = ns1.insideAddress().getHostAddress();
            // The relay was bound to ns1's own address, which exists only in ns1, and the client inside ns1
            // reached it there.
            assertThat(client.stdout()).as(client::describe).contains("relay " + ns1Ip + ":")
                    .contains("reply from " + ns1.outsideAddress().getHostAddress() + ":" + echo.port() + ":");
            // The socket toward targets was made in ns1 (netns.out): its datagrams crossed the veth from ns1's side.
            assertThat(echo.peers()).as("senders to the UDP echo server").containsOnly(ns1.insideAddress());
        }

        private GostProcess startSocks5ServiceInNs1() {
            return startSocks5ServiceInNs1("");
        }

        /** @param moreQuery appended to the service's query, e.g. {@code &netns.out=...} */
        private GostProcess startSocks5ServiceInNs1(String moreQuery) {
            String ns1Ip = ns1.insideAddress().getHostAddress();
            GostProcess gost = resources.gost("-L",
                    "socks5://" + ns1Ip + ":" + SERVICE_PORT + "?netns=" + ns1.name() + "&udp=true" + moreQuery);
            awaitAccepting(gost, new InetSocketAddress(ns1.insideAddress(), SERVICE_PORT));
            return gost;
        }

        /** Runs the Python client inside ns1 against the service and waits for it to finish successfully. */
        private ManagedProcess runClientInsideNs1(String mode, int targetPort, String... extra) {
            List<String> command = new ArrayList<>(List.of(binary("ip"), "netns", "exec", ns1.name(),
                    python(), clientScript().toString(), mode, ns1.insideAddress().getHostAddress(),
                    String.valueOf(SERVICE_PORT), ns1.outsideAddress().getHostAddress(), String.valueOf(targetPort)));
            command.addAll(List.of(extra));
            ManagedProcess client = resources.process("socks5-client-" + mode, command);
            assertThat(client.awaitExit()).as(client::describe).isZero();
            return client;
        }

        /**
         * Polls {@code address} from the default namespace (ns1's address is reachable through the veth)
         * until something accepts there; fails with the log if gost stops first or takes too long.
         */
        private void awaitAccepting(GostProcess gost, InetSocketAddress address) {
            Waits.until("gost to accept on " + address, ManagedProcess.START_TIMEOUT,
                    () -> Waits.accepts(address, Duration.ofMillis(200)), () -> !gost.isAlive(), gost::describe);
        }
    }

    private static Path clientScript() {
        URL script = Socks5EndToEndIT.class.getClassLoader().getResource("socks5_client.py");
        if (script == null) {
            throw new AssertionError("socks5_client.py is missing from the test resources");
        }
        try {
            return Paths.get(script.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The system's Python 3: a version manager's shim may not work inside {@code ip netns exec}. */
    private static String python() {
        return Files.isExecutable(Paths.get("/usr/bin/python3")) ? "/usr/bin/python3" : binary("python3");
    }

    private static String binary(String name) {
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"));
        return Stream.concat(path, Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"))
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Paths.get(directory, name))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new AssertionError(name + " is not installed; the namespace tests need it: "
                        + "apt-get install -y " + ("ip".equals(name) ? "iproute2" : name)));
    }

    /**
     * An echo server (TCP or UDP) bound to one address, remembering the address of every peer it served:
     * which side of a veth a connection or datagram came from tells which namespace its socket was made in.
     * One thread per TCP connection: it serves a handful.
     */
    static final class BoundEcho implements AutoCloseable {

        private final AutoCloseable socket;
        private final int port;
        private final Set<InetAddress> peers = ConcurrentHashMap.newKeySet();

        private BoundEcho(AutoCloseable socket, int port) {
            this.socket = socket;
            this.port = port;
        }

        static BoundEcho tcp(InetAddress address) {
            try {
                ServerSocket server = new ServerSocket(0, 50, address);
                BoundEcho echo = new BoundEcho(server, server.getLocalPort());
                daemon("tcp-echo-" + echo.port, () -> echo.acceptLoop(server));
                return echo;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + address.getHostAddress(), e);
            }
        }

        static BoundEcho udp(InetAddress address) {
            try {
                DatagramSocket datagrams = new DatagramSocket(new InetSocketAddress(address, 0));
                BoundEcho echo = new BoundEcho(datagrams, datagrams.getLocalPort());
                daemon("udp-echo-" + echo.port, () -> echo.answerLoop(datagrams));
                return echo;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a datagram socket to " + address.getHostAddress(), e);
            }
        }

        int port() {
            return port;
        }

        Set<InetAddress> peers() {
            return Set.copyOf(peers);
        }

        private void acceptLoop(ServerSocket server) {
            while (!server.isClosed()) {
                try {
                    Socket connection = server.accept();
                    peers.add(connection.getInetAddress());
                    daemon("tcp-echo-" + connection.getPort(), () -> echo(connection));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void echo(Socket connection) {
            try (connection; InputStream in = connection.getInputStream();
                 OutputStream out = connection.getOutputStream()) {
                in.transferTo(out);
                connection.shutdownOutput();
            } catch (IOException peerGone) {
                // The client reset or the test is over; the client checks what came back.
            }
        }

        private void answerLoop(DatagramSocket datagrams) {
            byte[] buffer = new byte[65536];
            while (!datagrams.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    datagrams.receive(packet);
                    peers.add(packet.getAddress());
                    datagrams.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void daemon(String name, Runnable work) {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
