package io.gost.plugin.tls.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.TlsOptions;
import io.gost.plugin.tls.LeakDetection;
import io.gost.plugin.tls.testing.TestCertificates;
import io.gost.plugin.tls.testing.TlsFixture;
import io.netty.channel.Channel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TLS stage between a tls listener and a tls dialer on real loopback sockets, on each engine (OpenSSL and
 * the JDK's, each side on the same one): what is verified, what is refused, and that a refused or broken
 * connection never reaches the service while the service keeps serving.
 */
@ExtendWith(LeakDetection.class)
class TlsStageTest {

    private static final Duration HANDSHAKE = Duration.ofSeconds(5);

    @TempDir
    static Path certificateDirectory;
    private static TestCertificates certificates;

    private TlsFixture fixture;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(certificateDirectory);
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

    private static TlsOptions.Builder serverOptions() {
        return TlsOptions.builder().certFile(certificates.serverCert().toString())
                .keyFile(certificates.serverKey().toString()).source("test server");
    }

    private InetSocketAddress server(TlsOptions options, TlsEngine engine) throws Exception {
        return fixture.echoServer(ServerTls.create(options, "test-server", engine, Duration.ZERO), HANDSHAKE);
    }

    private Future<Channel> dial(TlsOptions options, TlsEngine engine, InetSocketAddress server) throws Exception {
        return fixture.dial(fixture.dialer(ClientTls.create(options, "test-client", engine, Duration.ZERO),
                HANDSHAKE), server);
    }

    private static SSLSession session(Channel channel) {
        return channel.pipeline().get(SslHandler.class).engine().getSession();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aSecureClientVerifiesTheServersCertificateAgainstCaFileAndTheBytesGoBothWays(TlsEngine engine)
            throws Exception {
        InetSocketAddress server = server(serverOptions().build(), engine);
        Future<Channel> dialed = dial(TlsOptions.builder().secure(true).caFile(certificates.caCert().toString())
                .build(), engine, server);

        assertThat(dialed.isSuccess()).as("%s", dialed.cause()).isTrue();
        assertThat(TlsFixture.exchange(dialed.getNow(), "hello over tls")).isEqualTo("hello over tls");
        assertThat(session(dialed.getNow()).getProtocol()).isEqualTo("TLSv1.3");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void withoutCertificateFilesTheServerServesAGeneratedSelfSignedCertificateAsGostDoes(TlsEngine engine)
            throws Exception {
        InetSocketAddress server = server(TlsOptions.DEFAULTS, engine);
        Future<Channel> dialed = dial(TlsOptions.DEFAULTS, engine, server);

        assertThat(dialed.isSuccess()).as("%s", dialed.cause()).isTrue();
        X509Certificate served = (X509Certificate) session(dialed.getNow()).getPeerCertificates()[0];
        assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=gost.run,O=GOST");
        assertThat(served.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(served.getNotAfter().getTime() - served.getNotBefore().getTime())
                .isBetween(Duration.ofDays(365).toMillis(), Duration.ofDays(365).plusMinutes(2).toMillis());
        assertThat(TlsFixture.exchange(dialed.getNow(), "generated")).isEqualTo("generated");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void caFileOnTheServerRequiresAClientCertificateAndTheServiceNeverSeesAClientWithout(TlsEngine engine)
            throws Exception {
        InetSocketAddress server = server(serverOptions().caFile(certificates.caCert().toString()).build(), engine);

        Future<Channel> without = dial(TlsOptions.DEFAULTS, engine, server);
        // TLS 1.3: the client may finish its side before the server refuses; either way the connection ends.
        if (without.isSuccess()) {
            assertThat(without.getNow().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        }
        Future<Channel> withCertificate = dial(TlsOptions.builder().certFile(certificates.clientCert().toString())
                .keyFile(certificates.clientKey().toString()).build(), engine, server);

        assertThat(withCertificate.isSuccess()).as("%s", withCertificate.cause()).isTrue();
        assertThat(TlsFixture.exchange(withCertificate.getNow(), "mutual")).isEqualTo("mutual");
        assertThat(fixture.accepted()).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aSecureClientRefusesACertificateFromAnotherCa(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(TlsOptions.builder().certFile(certificates.otherServerCert().toString())
                .keyFile(certificates.otherServerKey().toString()).build(), engine);

        Future<Channel> dialed = dial(TlsOptions.builder().secure(true).caFile(certificates.caCert().toString())
                .build(), engine, server);

        assertThat(dialed.isSuccess()).isFalse();
        assertThat(dialed.cause()).hasMessageStartingWith("TLS handshake with 127.0.0.1:" + server.getPort()
                + " failed: the server's certificate is not trusted");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void anExpiredServerCertificateIsRefusedEvenWhenPinned(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(TlsOptions.builder().certFile(certificates.expiredCert().toString())
                .keyFile(certificates.expiredKey().toString()).build(), engine);

        Future<Channel> dialed = dial(TlsOptions.builder().caFile(certificates.expiredCert().toString()).build(),
                engine, server);

        assertThat(dialed.isSuccess()).isFalse();
        assertThat(dialed.cause().getMessage()).contains("expired");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aSecureClientChecksTheServerNameAndCaFileAloneDoesNot(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().build(), engine);

        Future<Channel> wrongName = dial(TlsOptions.builder().secure(true).caFile(certificates.caCert().toString())
                .serverName("wrong.example").build(), engine, server);
        Future<Channel> pinned = dial(TlsOptions.builder().caFile(certificates.caCert().toString())
                .serverName("wrong.example").build(), engine, server);

        assertThat(wrongName.isSuccess()).isFalse();
        assertThat(wrongName.cause().getMessage()).contains("wrong.example");
        assertThat(pinned.isSuccess()).as("%s", pinned.cause()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void plaintextSentToATlsPortIsClosedAndTheServiceKeepsServing(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().build(), engine);

        try (Socket plain = new Socket(server.getAddress(), server.getPort())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plain.getInputStream().readAllBytes()).as("what the plaintext client gets back").isEmpty();
        }
        Future<Channel> dialed = dial(TlsOptions.DEFAULTS, engine, server);

        assertThat(TlsFixture.exchange(dialed.getNow(), "still serving")).isEqualTo("still serving");
        assertThat(fixture.accepted()).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aHandshakeThatNeverStartsIsClosedAtTheHandshakeTimeout(TlsEngine engine) throws Exception {
        InetSocketAddress server = fixture.echoServer(ServerTls.create(serverOptions().build(), "test-server", engine,
                Duration.ZERO), Duration.ofMillis(300));

        try (Socket silent = new Socket(server.getAddress(), server.getPort())) {
            silent.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(200),
                    Duration.ofSeconds(5));
        }
        assertThat(fixture.accepted()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aHalfCloseReachesThePeerAndTheOtherDirectionGoesOn(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().build(), engine);
        Channel channel = dial(TlsOptions.DEFAULTS, engine, server).getNow();
        CompletableFuture<Void> serverEnded = new CompletableFuture<>();
        channel.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object event) {
                if (event instanceof ChannelInputShutdownEvent) {
                    serverEnded.complete(null);
                }
                ctx.fireUserEventTriggered(event);
            }
        });
        assertThat(TlsFixture.exchange(channel, "before the FIN")).isEqualTo("before the FIN");

        ((DuplexChannel) channel).shutdownOutput().sync();

        // The echo service answers our FIN with its own once it sees it: the half-close went through TLS's TCP.
        serverEnded.get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void maxVersionLimitsTheProtocolAndDisjointVersionsFailWithASentence(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().maxVersion(TlsOptions.Version.TLS_1_2).build(), engine);

        Future<Channel> tls12 = dial(TlsOptions.DEFAULTS, engine, server);
        Future<Channel> tls13Only = dial(TlsOptions.builder().minVersion(TlsOptions.Version.TLS_1_3).build(), engine,
                server);

        assertThat(session(tls12.getNow()).getProtocol()).isEqualTo("TLSv1.2");
        assertThat(tls13Only.isSuccess()).isFalse();
        assertThat(tls13Only.cause().getMessage()).contains("no common TLS version or cipher suite");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void alpnNamesTheProtocolBothSidesHave(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().alpn(List.of("h2", "http/1.1")).build(), engine);

        Channel channel = dial(TlsOptions.builder().alpn(List.of("http/1.1")).build(), engine, server).getNow();

        assertThat(channel.pipeline().get(SslHandler.class).applicationProtocol()).isEqualTo("http/1.1");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void cipherSuitesOnlyRestrictTls12AndUnknownOnesAreRefusedByName(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().maxVersion(TlsOptions.Version.TLS_1_2)
                .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")).build(), engine);

        Future<Channel> dialed = dial(TlsOptions.DEFAULTS, engine, server);

        assertThat(dialed.isSuccess()).as("%s", dialed.cause()).isTrue();
        assertThat(session(dialed.getNow()).getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        // Go's short ChaCha20 names are understood, and TLS 1.3's suites stay on as in GOST.
        assertThat(TlsContexts.cipherSuites(TlsOptions.builder()
                .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305")).build(), engine))
                .startsWith("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256").contains("TLS_AES_128_GCM_SHA256");
        assertThatThrownBy(() -> ServerTls.create(serverOptions().cipherSuites(List.of("TLS_NO_SUCH_SUITE")).build(),
                "test-server", engine, Duration.ZERO))
                .hasMessageContaining("cipherSuites [TLS_NO_SUCH_SUITE] not known to the " + engine + " TLS engine");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void rejectUnknownSniAcceptsOnlyTheListedNames(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().rejectUnknownSni(true)
                .serverNames(List.of("good.example", "*.wild.example")).build(), engine);

        assertThat(dial(TlsOptions.builder().serverName("good.example").build(), engine, server).isSuccess()).isTrue();
        assertThat(dial(TlsOptions.builder().serverName("a.wild.example").build(), engine, server).isSuccess())
                .isTrue();
        assertThat(dial(TlsOptions.builder().serverName("bad.example").build(), engine, server).isSuccess())
                .isFalse();
        // An IP address is never sent as a server name.
        assertThat(dial(TlsOptions.DEFAULTS, engine, server).isSuccess()).isFalse();
        assertThat(fixture.accepted()).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aRenewedCertificateIsServedOnceItsFilesChange(TlsEngine engine) throws Exception {
        Path cert = certificateDirectory.resolve("live-" + engine + ".pem");
        Path key = certificateDirectory.resolve("live-" + engine + ".key");
        Files.copy(certificates.serverCert(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certificates.serverKey(), key, StandardCopyOption.REPLACE_EXISTING);
        InetSocketAddress server = server(TlsOptions.builder().certFile(cert.toString()).keyFile(key.toString())
                .build(), engine);
        assertThat(issuerSeenAt(server, engine)).contains("gost-java test CA");

        // As certbot and friends do it: new files moved into place.
        Path newCert = certificateDirectory.resolve("renewed.pem");
        Path newKey = certificateDirectory.resolve("renewed.key");
        Files.copy(certificates.otherServerCert(), newCert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certificates.otherServerKey(), newKey, StandardCopyOption.REPLACE_EXISTING);
        Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertThat(issuerSeenAt(server, engine)).contains("someone else's CA");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aCertificateWhoseKeyDoesNotMatchIsRefusedBeforeAnythingStarts(TlsEngine engine) {
        assertThatThrownBy(() -> ServerTls.create(TlsOptions.builder().certFile(certificates.serverCert().toString())
                .keyFile(certificates.clientKey().toString()).build(), "test-server", engine, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyFile '" + certificates.clientKey() + "' is not the key of the certFile");
    }

    private String issuerSeenAt(InetSocketAddress server, TlsEngine engine) throws Exception {
        Channel channel = dial(TlsOptions.DEFAULTS, engine, server).getNow();
        try {
            return ((X509Certificate) session(channel).getPeerCertificates()[0]).getIssuerX500Principal().getName();
        } finally {
            channel.close().sync();
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aClientThatSendsItsRequestRightAfterTheHandshakeLosesNoByte(TlsEngine engine) throws Exception {
        InetSocketAddress server = server(serverOptions().build(), engine);
        // A JDK TLS socket, not Netty: it writes its first bytes in the flight that ends the handshake.
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        try (Socket socket = context.getSocketFactory().createSocket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("glued to the handshake".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(22), StandardCharsets.US_ASCII)).isEqualTo("glued to the handshake");
        }
    }
}
