package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.testkit.netns.NetnsTopology;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pairs of gost processes with the relay protocol and smux multiplexing between them, and curl at the edge:
 * {@code gost -L SERVER_URL} and {@code gost -L http://:C -L socks5://:S -F CLIENT_URL}, as GOST users write
 * them.
 */
class RelayMuxIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    private OriginServer origin;
    private int serverPort;
    private int httpPort;
    private int socksPort;

    @BeforeEach
    void startOrigin() {
        origin = resources.add(new OriginServer());
        serverPort = resources.freePort();
        httpPort = resources.freePort();
        socksPort = resources.freePort();
    }

    private GostProcess server(String url) {
        return resources.gost("-L", url.replace("PORT", Integer.toString(serverPort))).awaitPort(serverPort);
    }

    private void client(String url) {
        resources.gost("-L", "http://127.0.0.1:" + httpPort, "-L", "socks5://127.0.0.1:" + socksPort,
                "-F", url.replace("PORT", Integer.toString(serverPort))).awaitPort(httpPort).awaitPort(socksPort);
    }

    private void assertProxiesWork() {
        for (int i = 0; i < 3; i++) {
            Curl.Result http = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello"));
            assertThat(http.status()).as(http::toString).isEqualTo(200);
            assertThat(http.body()).isEqualTo(OriginServer.HELLO);
            Curl.Result tunnel = Curl.run(resources.dir(), "-p", "-x", "http://127.0.0.1:" + httpPort,
                    origin.url("/hello"));
            assertThat(tunnel.body()).as(tunnel::toString).isEqualTo(OriginServer.HELLO);
            Curl.Result socks = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + socksPort,
                    origin.url("/hello"));
            assertThat(socks.body()).as(socks::toString).isEqualTo(OriginServer.HELLO);
        }
    }

    @ParameterizedTest(name = "-L {0}  /  -F {1}")
    @CsvSource(delimiter = ' ', value = {
        "relay://127.0.0.1:PORT relay://127.0.0.1:PORT",
        "relay://127.0.0.1:PORT?nodelay=true relay://127.0.0.1:PORT?nodelay=true",
        "relay://ann:s3cret@127.0.0.1:PORT relay://ann:s3cret@127.0.0.1:PORT",
        "relay+mtcp://127.0.0.1:PORT relay+mtcp://127.0.0.1:PORT",
        "relay+mtcp://127.0.0.1:PORT?mux.version=1 relay+mtcp://127.0.0.1:PORT?mux.version=1",
        "http+mtcp://127.0.0.1:PORT http+mtcp://127.0.0.1:PORT",
        "socks5+mtcp://127.0.0.1:PORT socks5+mtcp://127.0.0.1:PORT",
        "mtcp://127.0.0.1:PORT http+mtcp://127.0.0.1:PORT",
        "relay+tls://127.0.0.1:PORT relay+tls://127.0.0.1:PORT",
        "relay+ws://127.0.0.1:PORT relay+ws://127.0.0.1:PORT",
        "relay+mtls://127.0.0.1:PORT relay+mtls://127.0.0.1:PORT",
        "relay+mws://127.0.0.1:PORT?path=/tunnel relay+mws://127.0.0.1:PORT?path=/tunnel",
        "relay+mwss://127.0.0.1:PORT relay+mwss://127.0.0.1:PORT",
        "socks5+mtls://127.0.0.1:PORT socks5+mtls://127.0.0.1:PORT",
        "http+mtls://127.0.0.1:PORT http+mtls://127.0.0.1:PORT",
        "mtls://127.0.0.1:PORT socks5+mtls://127.0.0.1:PORT",
        "http+mwss://127.0.0.1:PORT?mux.version=2 http+mwss://127.0.0.1:PORT?mux.version=2",
    })
    void clientAndServerLinesWorkTogether(String serverUrl, String clientUrl) {
        server(serverUrl);
        client(clientUrl);
        assertProxiesWork();
    }

    @Test
    void yamlAndHoconServersWithMtcpMetadataServeTheCommandLineClient() {
        java.nio.file.Path yaml = resources.write("server.yaml", """
                services:
                - name: relay-over-mtcp
                  addr: 127.0.0.1:%d
                  handler:
                    type: relay
                    auth: {username: ann, password: s3cret}
                    metadata: {nodelay: true}
                  listener:
                    type: mtcp
                    metadata:
                      mux.version: 1
                      mux.keepaliveInterval: 5s
                      backlog: 64
                """.formatted(serverPort));
        resources.gost("-C", yaml.toString()).awaitPort(serverPort);
        client("relay+mtcp://ann:s3cret@127.0.0.1:PORT?mux.version=1&nodelay=true");
        assertProxiesWork();
    }

    @Test
    void yamlServerAndClientWithMwssMetadataWorkTogether() {
        java.nio.file.Path server = resources.write("mwss-server.yaml", """
                services:
                - name: relay-over-mwss
                  addr: 127.0.0.1:%d
                  handler: {type: relay}
                  listener:
                    type: mwss
                    metadata: {path: /mux, mux.version: 2, backlog: 32}
                """.formatted(serverPort));
        resources.gost("-C", server.toString()).awaitPort(serverPort);
        java.nio.file.Path client = resources.write("mwss-client.yaml", """
                services:
                - name: edge
                  addr: 127.0.0.1:%d
                  handler: {type: http, chain: mux-chain}
                  listener: {type: tcp}
                chains:
                - name: mux-chain
                  hops:
                  - name: hop-0
                    nodes:
                    - name: server
                      addr: 127.0.0.1:%d
                      connector: {type: relay}
                      dialer:
                        type: mwss
                        metadata: {ws.path: /mux, mux.version: 2, mux.maxFrameSize: 16384}
                """.formatted(httpPort, serverPort));
        resources.gost("-C", client.toString()).awaitPort(httpPort);
        for (int i = 0; i < 3; i++) {
            Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello"));
            assertThat(result.body()).as(result::toString).isEqualTo(OriginServer.HELLO);
        }
    }

    @Test
    void hoconClientChainReachesACommandLineServer() {
        server("socks5+mtcp://127.0.0.1:PORT");
        java.nio.file.Path conf = resources.write("client.conf", """
                services = [{
                  name = edge, addr = "127.0.0.1:%d"
                  handler = {type = http, chain = mux-chain}
                  listener = {type = tcp}
                }]
                chains = [{
                  name = mux-chain
                  hops = [{name = hop-0, nodes = [{
                    name = server, addr = "127.0.0.1:%d"
                    connector = {type = socks5}
                    dialer = {type = mtcp, metadata = {"mux.maxFrameSize" = 16384}}
                  }]}]
                }]
                """.formatted(httpPort, serverPort));
        resources.gost("run", conf.toString()).awaitPort(httpPort);
        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello"));
        assertThat(result.body()).as(result::toString).isEqualTo(OriginServer.HELLO);
    }

    /**
     * The TLS settings of the URL reach mtls and mwss: the server serves its certificate file, the client
     * verifies it against caFile (secure), and a client that trusts another CA gets no session (502 at the
     * edge) and says why in its log.
     */
    @ParameterizedTest(name = "{0} with cert/key and a verifying client")
    @ValueSource(strings = {"relay+mtls", "relay+mwss"})
    void certificateFilesAndVerificationApplyToMultiplexedTls(String scheme) {
        java.nio.file.Path server = selfSigned("server");
        java.nio.file.Path other = selfSigned("other");
        server(scheme + "://127.0.0.1:PORT?cert=" + server + ".pem&key=" + server + ".key");
        GostProcess wrong = resources.gost("-L", "http://127.0.0.1:" + socksPort,
                "-F", scheme + "://127.0.0.1:" + serverPort + "?secure=true&caFile=" + other + ".pem")
                .awaitPort(socksPort);
        Curl.Result refused = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + socksPort, origin.url("/hello"));
        assertThat(refused.status()).as(refused::toString).isEqualTo(502);
        assertThat(wrong.output()).contains("certificate is not trusted");
        wrong.close();

        resources.gost("-L", "http://127.0.0.1:" + httpPort,
                "-F", scheme + "://127.0.0.1:" + serverPort + "?secure=true&serverName=localhost&caFile=" + server
                        + ".pem").awaitPort(httpPort);
        Curl.Result ok = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello"));
        assertThat(ok.body()).as(ok::toString).isEqualTo(OriginServer.HELLO);
    }

    /** A self-signed certificate for localhost ({@code name.pem}, {@code name.key}), made by the openssl CLI. */
    private java.nio.file.Path selfSigned(String name) {
        java.nio.file.Path base = resources.dir().resolve(name);
        ManagedProcess openssl = resources.process("openssl-" + name, java.util.List.of("openssl", "req", "-x509",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", base + ".key",
                "-out", base + ".pem"));
        assertThat(openssl.awaitExit()).as(openssl::describe).isZero();
        return base;
    }

    /**
     * {@code netns} applies to the socket under TLS and under the smux session: the server listens on an
     * address that exists only inside a namespace of its own, and a client in the default namespace reaches
     * it through the veth pair (the server's dials to the origin stay in the default namespace, as GOST's
     * {@code netns} is the listener's; {@code netns.out} is the dialer's).
     */
    @ParameterizedTest(name = "-L {0}://NS:PORT?netns=NS")
    @ValueSource(strings = {"relay+tls", "relay+mtls", "relay+mwss"})
    void tlsAndMuxListenersInsideANetworkNamespace(String scheme) throws Exception {
        NamespacesOrSkip.require();
        try (NetnsTopology topology = NetnsTopology.create()) {
            NetnsTopology.Namespace inside = topology.addNamespace("relay");
            String address = inside.insideAddress().getHostAddress() + ":" + serverPort;
            GostProcess server = resources.gost("-L", scheme + "://" + address + "?netns=" + inside.name());
            NamespaceProcesses.awaitAccepting(server, new InetSocketAddress(inside.insideAddress(), serverPort));
            resources.gost("-L", "http://127.0.0.1:" + httpPort, "-L", "socks5://127.0.0.1:" + socksPort,
                    "-F", scheme + "://" + address).awaitPort(httpPort).awaitPort(socksPort);
            assertProxiesWork();
            server.close();
        }
    }

    @Test
    void relayForwarderModeSendsEveryRequestToItsTarget() {
        server("relay://127.0.0.1:PORT/127.0.0.1:" + java.net.URI.create(origin.url("/")).getPort());
        client("relay://127.0.0.1:PORT");
        // The client names some other host; the server's forwarder decides.
        Curl.Result result = Curl.run(resources.dir(), "-p", "-x", "http://127.0.0.1:" + httpPort,
                "http://elsewhere.invalid:9/hello");
        assertThat(result.body()).as(result::toString).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void wrongPasswordIsRefusedWithTheStatusInTheLog() {
        GostProcess server = server("relay://ann:s3cret@127.0.0.1:PORT");
        client("relay://ann:wrong@127.0.0.1:PORT?nodelay=true");
        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello"));
        assertThat(result.status()).as(result::toString).isEqualTo(502);
        assertThat(server.output()).contains("answering relay status 2 (unauthorized)");
    }

    @Test
    void unreadableRequestsAreClosedWithoutAnswerAndTheServerKeepsServing() throws Exception {
        server("relay://127.0.0.1:PORT");
        for (byte[] garbage : new byte[][] {
            {2, 1, 0, 0},                       // relay version 2
            {1, 1, 0, 3, 9, 0, 0},              // unknown feature type
            {1, 1, 0, 5, 2, 0, 7, 1, 127},      // truncated address feature
        }) {
            try (Socket socket = new Socket("127.0.0.1", serverPort)) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(garbage);
                out.flush();
                InputStream in = socket.getInputStream();
                assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
            }
        }
        client("relay://127.0.0.1:PORT");
        assertProxiesWork();
    }

    @Test
    void garbageOnAnMtcpPortKillsOnlyThatSession() throws Exception {
        server("relay+mtcp://127.0.0.1:PORT");
        client("relay+mtcp://127.0.0.1:PORT");
        assertProxiesWork();
        try (Socket socket = new Socket("127.0.0.1", serverPort)) {
            socket.setSoTimeout(5000);
            // An smux frame of version 7.
            socket.getOutputStream().write(new byte[] {7, 0, 0, 0, 3, 0, 0, 0});
            assertThat(socket.getInputStream().read()).as("session closed").isEqualTo(-1);
        }
        assertProxiesWork();
    }

    @Test
    void firstRequestAfterTheServerCameBackSucceeds() {
        GostProcess server = server("relay+mtcp://127.0.0.1:PORT");
        client("relay+mtcp://127.0.0.1:PORT");
        assertProxiesWork();
        // The session dies with the server (mid-session, streams and all); the server comes back on its port.
        server.close();
        server("relay+mtcp://127.0.0.1:PORT");
        Curl.Result first = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello"));
        assertThat(first.status()).as("the first request after the outage: %s", first).isEqualTo(200);
        assertProxiesWork();
    }
}
