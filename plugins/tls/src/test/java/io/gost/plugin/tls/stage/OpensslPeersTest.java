package io.gost.plugin.tls.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.TlsOptions;
import io.gost.plugin.tls.LeakDetection;
import io.gost.plugin.tls.testing.PeerProcess;
import io.gost.plugin.tls.testing.TestCertificates;
import io.gost.plugin.tls.testing.TlsFixture;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tls listener and dialer against OpenSSL's own tools, {@code openssl s_client} and {@code s_server}: a
 * client that verifies everything, client certificates, and session resumption both ways (tickets in TLS 1.3,
 * session IDs or tickets in TLS 1.2), on each of gost's engines.
 */
@ExtendWith(LeakDetection.class)
class OpensslPeersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path directory;
    private static TestCertificates certificates;
    private TlsFixture fixture;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(directory);
    }

    @BeforeEach
    void startFixture() {
        fixture = new TlsFixture();
    }

    @AfterEach
    void closeFixture() throws Exception {
        fixture.close();
    }

    static List<TlsEngine> engines() {
        return TlsFixture.engines();
    }

    private InetSocketAddress server(TlsEngine engine, String caFile) throws Exception {
        TlsOptions options = TlsOptions.builder().certFile(certificates.serverCert().toString())
                .keyFile(certificates.serverKey().toString()).caFile(caFile).build();
        return fixture.echoServer(ServerTls.create(options, "test-server", engine, Duration.ZERO), WAIT);
    }

    private PeerProcess sClient(InetSocketAddress server, String... extra) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + server.getPort(), "-servername", "localhost", "-CAfile",
                certificates.caCert().toString(), "-verify_return_error", "-verify_hostname", "localhost"));
        command.addAll(List.of(extra));
        return PeerProcess.start(directory, command.toArray(String[]::new));
    }

    /** Writes a line, waits for its echo, then ends the client. */
    private static String echoLine(PeerProcess client, String line) throws Exception {
        client.stdin().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        client.stdin().flush();
        client.awaitOutput(line + "\n", WAIT);
        client.stdin().close();
        client.awaitExit(WAIT);
        return client.output();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void sClientVerifiesTheServerAndItsBytesComeBack(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(engine, null);

        try (PeerProcess client = sClient(server)) {
            String output = echoLine(client, "hello from s_client");

            assertThat(output).contains("Verify return code: 0 (ok)").contains("New, TLSv1.3");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void sClientWithAClientCertificatePassesAndWithoutIsRefused(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(engine, certificates.caCert().toString());

        try (PeerProcess refused = sClient(server)) {
            refused.stdin().write("nobody\n".getBytes(StandardCharsets.US_ASCII));
            refused.stdin().flush();
            refused.awaitExit(WAIT);
            assertThat(refused.output()).containsIgnoringCase("alert").doesNotContain("nobody\nnobody");
        }
        try (PeerProcess client = sClient(server, "-cert", certificates.clientCert().toString(), "-key",
                certificates.clientKey().toString())) {
            assertThat(echoLine(client, "with a certificate")).contains("Verify return code: 0 (ok)");
        }
        assertThat(fixture.accepted()).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void theServerResumesTls13SessionsWithTickets(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(engine, null);
        Path session = directory.resolve("session-" + engine + ".pem");

        try (PeerProcess first = sClient(server, "-sess_out", session.toString())) {
            assertThat(echoLine(first, "first")).contains("New, TLSv1.3");
        }
        try (PeerProcess second = sClient(server, "-sess_in", session.toString())) {
            assertThat(echoLine(second, "second")).contains("Reused, TLSv1.3");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void theServerResumesTls12Sessions(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(engine, null);

        try (PeerProcess client = sClient(server, "-tls1_2", "-reconnect")) {
            client.stdin().close();
            client.awaitExit(WAIT);
            assertThat(client.output()).contains("New, TLSv1.2").contains("Reused, TLSv1.2");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("versionsAndEngines")
    void theClientResumesItsSessionWithSServer(String version, TlsEngine engine) throws Exception {
        int port = PeerProcess.freePort();
        try (PeerProcess server = PeerProcess.start(directory, "openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", certificates.serverCert().toString(), "-key", certificates.serverKey().toString(),
                "-" + version, "-www")) {
            PeerProcess.awaitPort(port, WAIT);
            var dialer = fixture.dialer(ClientTls.create(TlsOptions.builder().secure(true)
                    .caFile(certificates.caCert().toString()).serverName("localhost").build(), "test-client", engine,
                    Duration.ZERO), WAIT);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);

            String first = TlsFixture.request(fixture.dial(dialer, address).getNow(), "GET / HTTP/1.0\r\n\r\n");
            String second = TlsFixture.request(fixture.dial(dialer, address).getNow(), "GET / HTTP/1.0\r\n\r\n");

            String protocol = version.equals("tls1_3") ? "TLSv1.3" : "TLSv1.2";
            assertThat(first).contains("New, " + protocol);
            assertThat(second).contains("Reused, " + protocol);
        }
    }

    /**
     * GOST's default client ({@code -F relay+tls://127.0.0.1:8443}): nothing verified, no server name, the node
     * named by its IP address. Its sessions are kept per address and port all the same, so every connection after
     * the first resumes instead of making a full handshake (a signature and a key exchange on the server).
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("versionsAndEngines")
    void aClientThatVerifiesNothingResumesItsSessionWithAServerNamedByIpAddress(String version, TlsEngine engine)
            throws Exception {
        int port = PeerProcess.freePort();
        try (PeerProcess server = PeerProcess.start(directory, "openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", certificates.serverCert().toString(), "-key", certificates.serverKey().toString(),
                "-" + version, "-www")) {
            PeerProcess.awaitPort(port, WAIT);
            var dialer = fixture.dialer(ClientTls.create(TlsOptions.builder().build(), "test-client", engine,
                    Duration.ZERO), WAIT);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);

            String first = TlsFixture.request(fixture.dial(dialer, address).getNow(), "GET / HTTP/1.0\r\n\r\n");
            String second = TlsFixture.request(fixture.dial(dialer, address).getNow(), "GET / HTTP/1.0\r\n\r\n");
            String third = TlsFixture.request(fixture.dial(dialer, address).getNow(), "GET / HTTP/1.0\r\n\r\n");

            String protocol = version.equals("tls1_3") ? "TLSv1.3" : "TLSv1.2";
            assertThat(first).contains("New, " + protocol);
            assertThat(second).contains("Reused, " + protocol);
            assertThat(third).contains("Reused, " + protocol);
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> versionsAndEngines() {
        return java.util.stream.Stream.of("tls1_3", "tls1_2").flatMap(version -> engines().stream()
                .map(engine -> org.junit.jupiter.params.provider.Arguments.of(version, engine)));
    }
}
