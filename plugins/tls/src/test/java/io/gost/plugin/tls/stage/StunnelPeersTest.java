package io.gost.plugin.tls.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.TlsOptions;
import io.gost.plugin.tls.LeakDetection;
import io.gost.plugin.tls.testing.PeerProcess;
import io.gost.plugin.tls.testing.TestCertificates;
import io.gost.plugin.tls.testing.TlsFixture;
import io.gost.testkit.EchoServer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * The tls listener behind stunnel as a verifying TLS client, and the tls dialer in front of stunnel as a TLS
 * server that requires a client certificate: the set-ups users build with stunnel on the other end.
 */
@ExtendWith(LeakDetection.class)
class StunnelPeersTest {

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

    private static PeerProcess stunnel(String name, String service) throws Exception {
        Path config = directory.resolve(name + ".conf");
        Files.writeString(config, "foreground = yes\npid =\ndebug = 5\n\n[" + name + "]\n" + service);
        return PeerProcess.start(directory, "stunnel4", config.toString());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void stunnelAsAVerifyingClientReachesTheServiceThroughTheTlsListener(TlsEngine engine) throws Exception {
        InetSocketAddress server = fixture.echoServer(ServerTls.create(TlsOptions.builder()
                .certFile(certificates.serverCert().toString()).keyFile(certificates.serverKey().toString())
                .caFile(certificates.caCert().toString()).build(), "test-server", engine, Duration.ZERO), WAIT);
        int port = PeerProcess.freePort();

        try (PeerProcess stunnel = stunnel("client-" + engine, "client = yes\naccept = 127.0.0.1:" + port
                + "\nconnect = 127.0.0.1:" + server.getPort() + "\nCAfile = " + certificates.caCert()
                + "\nverifyChain = yes\ncheckHost = localhost\ncert = " + certificates.clientCert() + "\nkey = "
                + certificates.clientKey() + "\n")) {
            PeerProcess.awaitPort(port, WAIT);
            try (Socket plain = new Socket("127.0.0.1", port)) {
                plain.setSoTimeout(10_000);
                plain.getOutputStream().write("through stunnel".getBytes(StandardCharsets.US_ASCII));
                InputStream in = plain.getInputStream();
                assertThat(new String(in.readNBytes(15), StandardCharsets.US_ASCII)).as(stunnel.output())
                        .isEqualTo("through stunnel");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void theTlsDialerReachesStunnelThatRequiresAClientCertificate(TlsEngine engine) throws Exception {
        try (EchoServer echo = EchoServer.start()) {
            int port = PeerProcess.freePort();
            try (PeerProcess stunnel = stunnel("server-" + engine, "accept = 127.0.0.1:" + port + "\nconnect = 127.0.0.1:"
                    + echo.address().getPort() + "\ncert = " + certificates.serverCert() + "\nkey = "
                    + certificates.serverKey() + "\nCAfile = " + certificates.caCert() + "\nverifyChain = yes\n")) {
                PeerProcess.awaitPort(port, WAIT);
                var dialer = fixture.dialer(ClientTls.create(TlsOptions.builder().secure(true)
                        .caFile(certificates.caCert().toString()).serverName("localhost")
                        .certFile(certificates.clientCert().toString()).keyFile(certificates.clientKey().toString())
                        .build(), "test-client", engine, Duration.ZERO), WAIT);

                Future<Channel> dialed = fixture.dial(dialer, new InetSocketAddress("127.0.0.1", port));

                assertThat(dialed.isSuccess()).as("%s\n%s", dialed.cause(), stunnel.output()).isTrue();
                assertThat(TlsFixture.exchange(dialed.getNow(), "to stunnel and back")).isEqualTo("to stunnel and back");
            }
        }
    }
}
