package io.gost.runtime.udp;

import static io.gost.runtime.udp.UdpThroughChainsTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.plan.Planner;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.Service;
import io.gost.runtime.testing.EchoServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An {@code rtcp} port on a hop (SOCKS5 MBIND, relay BIND) belongs to the service that opened it: when the service
 * closes, or a reload moves it to another hop, the hop closes the port at once, not when smux's keepalive gives up
 * on the half-open connection 30 s later, so the port can be opened again right away (here on the same host).
 */
class ReversePortReleaseTest {

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean refused(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String echoThrough(int port, String text) throws IOException {
        try (Socket peer = new Socket("127.0.0.1", port)) {
            peer.setSoTimeout(5_000);
            peer.getOutputStream().write(bytes(text));
            byte[] answer = new byte[text.length()];
            new DataInputStream(peer.getInputStream()).readFully(answer);
            return new String(answer, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static String rtcp(int remotePort, EchoServer target) {
        return "rtcp://127.0.0.1:" + remotePort + "/127.0.0.1:" + target.port();
    }

    @ParameterizedTest(name = "{0} hop")
    @ValueSource(strings = {"socks5", "relay"})
    void closingAnRtcpServiceClosesItsPortOnTheHopAtOnceAndItOpensAgain(String protocol) throws Exception {
        int remotePort = freeTcpPort();
        try (EchoServer echo = new EchoServer();
             RunningGost hop = RunningGost.start(protocol + "://127.0.0.1:0?bind=true")) {
            List<String> hops = List.of(protocol + "://127.0.0.1:" + hop.port(0));
            try (RunningGost gost = RunningGost.start(List.of(rtcp(remotePort, echo)), hops)) {
                Service service = gost.service(0);
                await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);
                assertThat(echoThrough(remotePort, "open")).isEqualTo("open");
            }

            await("the hop's port closed with the service").atMost(Duration.ofSeconds(3))
                    .until(() -> refused(remotePort));

            try (RunningGost again = RunningGost.start(List.of(rtcp(remotePort, echo)), hops)) {
                Service service = again.service(0);
                await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);
                assertThat(echoThrough(remotePort, "again")).isEqualTo("again");
                assertThat(service.remoteBindAttempts()).as("opened at the first attempt").isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0} hop")
    @ValueSource(strings = {"socks5", "relay"})
    void closingAnRudpServiceClosesItsUdpPortOnTheHopAtOnce(String protocol) throws Exception {
        int remotePort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            remotePort = probe.getLocalPort();
        }
        try (RunningGost hop = RunningGost.start(protocol + "://127.0.0.1:0?bind=true")) {
            try (RunningGost gost = RunningGost.start(List.of("rudp://127.0.0.1:" + remotePort + "/127.0.0.1:9"),
                    List.of(protocol + "://127.0.0.1:" + hop.port(0)))) {
                Service service = gost.service(0);
                await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);
            }

            await().atMost(Duration.ofSeconds(3)).until(() -> hop.service(0).currentConnections() == 0);
            try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", remotePort))) {
                assertThat(taken.getLocalPort()).as("the hop let the port go").isEqualTo(remotePort);
            }
        }
    }

    @ParameterizedTest(name = "{0} hops")
    @ValueSource(strings = {"socks5", "relay"})
    void aReloadThatMovesAnRtcpServiceToAnotherHopReleasesThePortOnTheFirst(String protocol) throws Exception {
        int remotePort = freeTcpPort();
        try (EchoServer echo = new EchoServer();
             RunningGost hopA = RunningGost.start(protocol + "://127.0.0.1:0?bind=true");
             RunningGost hopB = RunningGost.start(protocol + "://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of(rtcp(remotePort, echo)),
                     List.of(protocol + "://127.0.0.1:" + hopA.port(0)))) {
            Service first = gost.service(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.remoteBoundAddress() != null);

            gost.runtime().apply(Planner.planOrThrow(new CommandLineParser().parse(List.of(rtcp(remotePort, echo)),
                    List.of(protocol + "://127.0.0.1:" + hopB.port(0))), PluginRegistry.load()));

            // Both hops are on this host: hop B can only open the port once hop A has let it go.
            Service moved = gost.service(0);
            assertThat(moved).isNotSameAs(first);
            await().atMost(Duration.ofSeconds(10)).until(() -> moved.remoteBoundAddress() != null);
            assertThat(echoThrough(remotePort, "moved")).isEqualTo("moved");
            assertThat(hopA.service(0).currentConnections()).as("nothing left on hop A").isZero();
            assertThat(hopB.service(0).currentConnections()).as("the bind's connection").isEqualTo(1);
        }
    }
}
