package io.gost.plugin.socks.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.BindRequest;
import io.gost.api.Binder;
import io.gost.api.Binding;
import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.plugin.socks.LeakDetection;
import io.gost.plugin.socks.handler.Socks5HandlerFactory;
import io.gost.plugin.socks.testing.ExternalProgram;
import io.gost.plugin.socks.testing.HandlerServer;
import io.gost.plugin.socks.testing.Tunnels;
import io.gost.testkit.EchoServer;
import io.gost.testkit.TestPluginContext;
import io.gost.testkit.TestTransport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector against real SOCKS5 servers: Dante ({@code danted}, Debian package dante-server),
 * microsocks (package microsocks) and this plugin's own handler. A checked payload goes through each
 * tunnel to a local echo server. Missing programs fail the tests: CI installs them.
 */
@ExtendWith(LeakDetection.class)
class Socks5ConnectorPeersTest {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    private static TestTransport transport;
    private static EchoServer echo;

    @BeforeAll
    static void start() throws IOException {
        transport = new TestTransport();
        echo = EchoServer.start();
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        transport.close();
    }

    private static Connector connector(Optional<Credentials> credentials) {
        return new Socks5ConnectorFactory().create(Metadata.empty(),
                TestPluginContext.withCredentials("node-0", credentials));
    }

    private static Future<Channel> connectThrough(InetSocketAddress hop, Optional<Credentials> credentials,
                                                  InetSocketAddress target) throws InterruptedException {
        Channel channel = Tunnels.dial(transport, hop);
        Future<Channel> tunnel = connector(credentials).connect(channel, "tcp", target, HANDSHAKE_TIMEOUT);
        assertThat(tunnel.await(10, TimeUnit.SECONDS)).as("connect finished").isTrue();
        return tunnel;
    }

    private static byte[] payload() {
        byte[] payload = new byte[64 * 1024];
        new Random(42).nextBytes(payload);
        return payload;
    }

    private static void assertEchoes(Future<Channel> tunnel) throws Exception {
        assertEchoes(tunnel, null);
    }

    /** @param peer the third-party server, whose log is shown when the assertion fails */
    private static void assertEchoes(Future<Channel> tunnel, ExternalProgram.Server peer) throws Exception {
        assertThat(tunnel.cause()).as(() -> "connect failure; " + (peer == null ? "" : peer.output())).isNull();
        byte[] payload = payload();
        assertThat(Tunnels.echo(tunnel.getNow(), payload)).isEqualTo(payload);
    }

    private static RouteException failure(Future<Channel> tunnel, ExternalProgram.Server peer) {
        assertThat(tunnel.cause()).as(peer::output).isInstanceOf(RouteException.class);
        return (RouteException) tunnel.cause();
    }

    private static InetSocketAddress closedPort() throws IOException {
        return new InetSocketAddress("127.0.0.1", ExternalProgram.freeLoopbackPort());
    }

    @Nested
    class Dante {

        @TempDir
        Path directory;

        private ExternalProgram.Server startDante(int port) throws Exception {
            Path danted = ExternalProgram.require("danted", "dante-server");
            boolean root = "root".equals(System.getProperty("user.name"));
            String config = String.join("\n",
                    "logoutput: " + directory.resolve("danted.log"),
                    "internal: 127.0.0.1 port = " + port,
                    "external: lo",
                    "clientmethod: none",
                    "socksmethod: none",
                    root ? "user.privileged: root" : "",
                    root ? "user.unprivileged: nobody" : "",
                    "client pass {",
                    "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                    "}",
                    "socks pass {",
                    "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                    "}",
                    "");
            Path file = directory.resolve("danted.conf");
            Files.writeString(file, config, StandardCharsets.US_ASCII);
            // Without -D, danted stays in the foreground, so the process we start is the one we stop.
            return ExternalProgram.Server.start(port, Duration.ofSeconds(10), danted.toString(), "-f", file.toString());
        }

        @Test
        void connectsThroughDanteAndCarriesAPayloadBothWays() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            try (ExternalProgram.Server dante = startDante(port)) {
                assertEchoes(connectThrough(new InetSocketAddress("127.0.0.1", port), Optional.empty(), echo.address()),
                        dante);
            }
        }

        @Test
        void danteRefusingTheTargetIsHopRejectedWithItsReplyCode() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            InetSocketAddress target = closedPort();
            try (ExternalProgram.Server dante = startDante(port)) {
                RouteException failure = failure(connectThrough(new InetSocketAddress("127.0.0.1", port),
                        Optional.empty(), target), dante);

                assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
                assertThat(failure.getMessage()).isEqualTo("socks5 hop 127.0.0.1:" + port + " answered CONNECT 127.0.0.1:"
                        + target.getPort() + " with 0x05 connection refused");
            }
        }
        /**
         * A standard SOCKS5 BIND (RFC 1928 §4) against Dante: its first reply names the port it opened, a peer
         * connects there, the second reply names the peer, and the connection is handed over carrying the peer's
         * bytes. This is what a chained socks5 service does with its client's BIND.
         */
        @Test
        void bindsThroughDanteAndHandsBackThePeersConnection() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            try (ExternalProgram.Server dante = startDante(port)) {
                Channel channel = Tunnels.dial(transport, new InetSocketAddress("127.0.0.1", port));
                CompletableFuture<Channel> accepted = new CompletableFuture<>();
                Future<Binding> binding = ((Binder) connector(Optional.empty())).bind(channel,
                        BindRequest.singleTcp(new InetSocketAddress("0.0.0.0", 0)), accepted::complete,
                        HANDSHAKE_TIMEOUT);
                assertThat(binding.await(10, TimeUnit.SECONDS)).as("bind answered").isTrue();
                assertThat(binding.cause()).as(dante::output).isNull();
                InetSocketAddress bound = binding.getNow().boundAddress();
                assertThat(bound.getPort()).as("the port Dante opened").isPositive();

                try (Socket peer = new Socket("127.0.0.1", bound.getPort())) {
                    Thread echoing = new Thread(() -> echoOnce(peer, 64 * 1024), "bind-peer-echo");
                    echoing.start();
                    Channel fromPeer = accepted.get(10, TimeUnit.SECONDS);
                    assertThat(fromPeer.attr(Binding.PEER_ADDRESS).get().getPort())
                            .as("the second reply names the peer").isEqualTo(peer.getLocalPort());
                    byte[] payload = payload();
                    assertThat(Tunnels.echo(fromPeer, payload)).isEqualTo(payload);
                    echoing.join(10_000);
                }
            }
        }

        private static void echoOnce(Socket peer, int length) {
            try {
                byte[] bytes = new DataInputStream(peer.getInputStream()).readNBytes(length);
                peer.getOutputStream().write(bytes);
                peer.getOutputStream().flush();
            } catch (IOException e) {
                // The test's assertion on the echo reports it.
            }
        }
    }

    @Nested
    class Microsocks {

        private ExternalProgram.Server startMicrosocks(int port, String... credentials) throws Exception {
            Path microsocks = ExternalProgram.require("microsocks", "microsocks");
            String[] command = new String[5 + credentials.length];
            command[0] = microsocks.toString();
            command[1] = "-i";
            command[2] = "127.0.0.1";
            command[3] = "-p";
            command[4] = String.valueOf(port);
            System.arraycopy(credentials, 0, command, 5, credentials.length);
            return ExternalProgram.Server.start(port, Duration.ofSeconds(10), command);
        }

        @Test
        void connectsThroughMicrosocksAndCarriesAPayloadBothWays() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            try (ExternalProgram.Server microsocks = startMicrosocks(port)) {
                assertEchoes(connectThrough(new InetSocketAddress("127.0.0.1", port), Optional.empty(), echo.address()),
                        microsocks);
            }
        }

        @Test
        void authenticatesToMicrosocksWithUsernameAndPassword() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            try (ExternalProgram.Server microsocks = startMicrosocks(port, "-u", "user", "-P", "secret")) {
                assertEchoes(connectThrough(new InetSocketAddress("127.0.0.1", port),
                        Optional.of(new Credentials("user", "secret")), echo.address()), microsocks);
            }
        }

        @Test
        void aWrongPasswordIsHopRejected() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            try (ExternalProgram.Server microsocks = startMicrosocks(port, "-u", "user", "-P", "secret")) {
                RouteException failure = failure(connectThrough(new InetSocketAddress("127.0.0.1", port),
                        Optional.of(new Credentials("user", "wrong")), echo.address()), microsocks);

                assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
                assertThat(failure.getMessage()).contains("rejected the username/password of user 'user'");
            }
        }

        @Test
        void noCredentialsForAServerThatNeedsThemIsHopRejected() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            try (ExternalProgram.Server microsocks = startMicrosocks(port, "-u", "user", "-P", "secret")) {
                RouteException failure = failure(connectThrough(new InetSocketAddress("127.0.0.1", port),
                        Optional.empty(), echo.address()), microsocks);

                assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
                assertThat(failure.getMessage()).contains("accepts none of the offered methods");
            }
        }

        @Test
        void microsocksRefusingTheTargetIsHopRejectedWithItsReplyCode() throws Exception {
            int port = ExternalProgram.freeLoopbackPort();
            InetSocketAddress target = closedPort();
            try (ExternalProgram.Server microsocks = startMicrosocks(port)) {
                RouteException failure = failure(connectThrough(new InetSocketAddress("127.0.0.1", port),
                        Optional.empty(), target), microsocks);

                assertThat(failure.reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
                assertThat(failure.getMessage()).endsWith("with 0x05 connection refused");
            }
        }
    }

    @Nested
    class OwnHandler {

        @Test
        void connectsThroughTheSocks5HandlerWithCredentialsAndAnUnresolvedName() throws Exception {
            PluginContext context = TestPluginContext.acceptingUser("service-0", "user", "pässwörd");
            try (HandlerServer server = new HandlerServer(new Socks5HandlerFactory().create(Metadata.empty(), context),
                    transport)) {
                InetSocketAddress target = InetSocketAddress.createUnresolved("localhost", echo.address().getPort());

                assertEchoes(connectThrough(server.address(), Optional.of(new Credentials("user", "pässwörd")), target));
                assertThat(server.contexts().get(0).dialedTargets())
                        .as("the name reaches the server's router unresolved").containsExactly(target);
            }
        }

        @Test
        void twoSocks5HopsInARowCarryAPayload() throws Exception {
            try (HandlerServer first = new HandlerServer(
                    new Socks5HandlerFactory().create(Metadata.empty(), PluginContext.named("first")), transport);
                 HandlerServer second = new HandlerServer(
                         new Socks5HandlerFactory().create(Metadata.empty(), PluginContext.named("second")), transport)) {
                Future<Channel> toSecond = connectThrough(first.address(), Optional.empty(), second.address());
                assertThat(toSecond.cause()).isNull();

                Future<Channel> toEcho = connector(Optional.empty())
                        .connect(toSecond.getNow(), "tcp", echo.address(), HANDSHAKE_TIMEOUT);
                assertThat(toEcho.await(10, TimeUnit.SECONDS)).isTrue();

                assertEchoes(toEcho);
            }
        }
    }
}
