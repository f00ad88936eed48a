package io.gost.runtime.udp;

import static io.gost.runtime.udp.UdpThroughChainsTest.bytes;
import static io.gost.runtime.udp.UdpThroughChainsTest.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gost.runtime.service.Service;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code rudp} and {@code rtcp}: with a chain the port opens on its last hop and what arrives there comes back to
 * the target here; without one, a local forward. A lost hop is bound again.
 */
class ReverseForwardTest {

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void rudpWithoutAChainIsALocalUdpForward() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("rudp://127.0.0.1:0/127.0.0.1:" + echo.port());
             DatagramSocket client = client()) {
            assertThat(UdpForwardTest.exchange(client, gost.address(0), bytes("local"))).isEqualTo(bytes("local"));
        }
    }

    @Test
    void rtcpWithoutAChainIsALocalTcpForward() throws Exception {
        try (io.gost.runtime.testing.EchoServer echo = new io.gost.runtime.testing.EchoServer();
             RunningGost gost = RunningGost.start("rtcp://127.0.0.1:0/127.0.0.1:" + echo.port());
             Socket client = new Socket("127.0.0.1", gost.port(0))) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write(bytes("echo me"));
            byte[] answer = new byte[7];
            new DataInputStream(client.getInputStream()).readFully(answer);
            assertThat(answer).isEqualTo(bytes("echo me"));
        }
    }

    @Test
    void rudpThroughASocks5HopOpensThePortThereAndForwardsItsDatagramsHere() throws Exception {
        int remotePort = freeUdpPort();
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of("rudp://127.0.0.1:" + remotePort + "/127.0.0.1:" + echo.port()),
                     List.of("socks5://127.0.0.1:" + hop.port(0)));
             DatagramSocket first = client();
             DatagramSocket second = client()) {
            Service service = gost.service(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);
            InetSocketAddress remote = new InetSocketAddress("127.0.0.1", remotePort);

            assertThat(UdpForwardTest.exchange(first, remote, bytes("one"))).isEqualTo(bytes("one"));
            assertThat(UdpForwardTest.exchange(second, remote, bytes("two"))).isEqualTo(bytes("two"));

            assertThat(service.currentConnections()).as("a session per peer of the remote port").isEqualTo(2);
            assertThat(service.remoteBindAttempts()).isEqualTo(1);
        }
    }

    @Test
    void rtcpThroughASocks5HopOpensThePortThereAndForwardsEachConnectionHere() throws Exception {
        int remotePort = freeTcpPort();
        try (io.gost.runtime.testing.EchoServer echo = new io.gost.runtime.testing.EchoServer();
             RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of("rtcp://127.0.0.1:" + remotePort + "/127.0.0.1:" + echo.port()),
                     List.of("socks5://127.0.0.1:" + hop.port(0)))) {
            Service service = gost.service(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);

            // Two connections at once, each its own smux stream over the one MBIND connection.
            try (Socket first = new Socket("127.0.0.1", remotePort);
                 Socket second = new Socket("127.0.0.1", remotePort)) {
                for (Socket peer : List.of(first, second)) {
                    peer.setSoTimeout(5_000);
                }
                first.getOutputStream().write(bytes("first"));
                second.getOutputStream().write(bytes("second"));
                byte[] fromFirst = new byte[5];
                byte[] fromSecond = new byte[6];
                new DataInputStream(first.getInputStream()).readFully(fromFirst);
                new DataInputStream(second.getInputStream()).readFully(fromSecond);
                assertThat(fromFirst).isEqualTo(bytes("first"));
                assertThat(fromSecond).isEqualTo(bytes("second"));
            }
            assertThat(hop.service(0).totalConnections()).as("one MBIND connection to the hop").isEqualTo(1);
            assertThat(echo.accepted()).as("each peer reached the target from here").isEqualTo(2);
        }
    }

    @Test
    void anMbindOnAServiceWithoutBindIsRefusedWith0x02() throws Exception {
        try (RunningGost socks = RunningGost.start("socks5://127.0.0.1:0");
             Socket control = new Socket("127.0.0.1", socks.port(0))) {
            control.setSoTimeout(5_000);
            assertThat(UdpThroughChainsTest.request(control, 0xF2, new InetSocketAddress("0.0.0.0", 0))[1])
                    .isEqualTo((byte) 0x02);
        }
    }

    @Test
    void aHopThatDoesNotAllowBindsIsTriedAgainAndEachAttemptIsCounted() throws Exception {
        int remotePort = freeUdpPort();
        try (RunningGost hop = RunningGost.start("socks5://127.0.0.1:0");
             RunningGost gost = RunningGost.start(List.of("rudp://127.0.0.1:" + remotePort + "/127.0.0.1:9"),
                     List.of("socks5://127.0.0.1:" + hop.port(0)))) {
            Service service = gost.service(0);
            // 1 s after the first refusal, then 2 s: three attempts within about 3 s.
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBindAttempts() >= 3);
            assertThat(service.remoteBindFailures()).isGreaterThanOrEqualTo(2);
            assertThat(service.remoteBoundAddress()).isNull();
        }
    }

    @Test
    void whenTheHopGoesAwayThePortIsReleasedThereAndBoundAgainOnceAHopIsBack() throws Exception {
        int remotePort = freeUdpPort();
        int hopPort = freeTcpPort();
        RunningGost hop = RunningGost.start("socks5://127.0.0.1:" + hopPort + "?bind=true");
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start(List.of("rudp://127.0.0.1:" + remotePort + "/127.0.0.1:" + echo.port()),
                     List.of("socks5://127.0.0.1:" + hopPort));
             DatagramSocket client = client()) {
            Service service = gost.service(0);
            InetSocketAddress remote = new InetSocketAddress("127.0.0.1", remotePort);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);
            assertThat(UdpForwardTest.exchange(client, remote, bytes("before"))).isEqualTo(bytes("before"));

            hop.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() == null);
            // The old control connection is gone, so the old hop's port is free again.
            try (DatagramSocket taken = new DatagramSocket(remote)) {
                assertThat(taken.getLocalPort()).isEqualTo(remotePort);
            }

            hop = RunningGost.start("socks5://127.0.0.1:" + hopPort + "?bind=true");
            await().atMost(Duration.ofSeconds(15)).until(() -> service.remoteBoundAddress() != null);
            assertThat(UdpForwardTest.exchange(client, remote, bytes("after"))).isEqualTo(bytes("after"));
            assertThat(service.remoteBindAttempts()).isGreaterThanOrEqualTo(2);
            assertThat(service.remoteBindFailures()).isGreaterThanOrEqualTo(1);
        } finally {
            hop.close();
        }
    }

    @Test
    void closingTheServiceReleasesThePortOnTheHop() throws Exception {
        int remotePort = freeUdpPort();
        try (RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?bind=true")) {
            RunningGost gost = RunningGost.start(List.of("rudp://127.0.0.1:" + remotePort + "/127.0.0.1:9"),
                    List.of("socks5://127.0.0.1:" + hop.port(0)));
            Service service = gost.service(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);

            gost.close();

            await().atMost(Duration.ofSeconds(10)).until(() -> hop.service(0).currentConnections() == 0);
            try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", remotePort))) {
                assertThat(taken.getLocalPort()).isEqualTo(remotePort);
            }
        }
    }

    static boolean received(DatagramSocket socket) throws IOException {
        try {
            socket.receive(new DatagramPacket(new byte[16], 16));
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void admissionsOfAnRtcpServiceThroughAChainJudgeThePeerThatConnectedOnTheHopNotTheHop() throws Exception {
        int remotePort = freeTcpPort();
        // Only 127.0.0.2 is admitted. The tunnel to the hop comes from 127.0.0.1, so judging the channel's own
        // remote address would refuse the admitted peer and (with a blacklist) admit a refused one.
        try (io.gost.runtime.testing.EchoServer echo = new io.gost.runtime.testing.EchoServer();
             RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of("rtcp://127.0.0.1:" + remotePort + "/127.0.0.1:"
                     + echo.port() + "?admission=~127.0.0.2"), List.of("socks5://127.0.0.1:" + hop.port(0)))) {
            Service service = gost.service(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);

            try (Socket admitted = new Socket("127.0.0.1", remotePort, java.net.InetAddress.getByName("127.0.0.2"),
                    0)) {
                admitted.setSoTimeout(5_000);
                admitted.getOutputStream().write(bytes("admitted"));
                byte[] echoed = new byte[8];
                new DataInputStream(admitted.getInputStream()).readFully(echoed);
                assertThat(echoed).isEqualTo(bytes("admitted"));
            }
            try (Socket refused = new Socket("127.0.0.1", remotePort)) {
                refused.setSoTimeout(5_000);
                refused.getOutputStream().write(bytes("refused"));
                assertThat(refused.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            }
            assertThat(service.accessRefusals()).isEqualTo(1);
            assertThat(echo.accepted()).as("only the admitted peer reached the target").isEqualTo(1);
        }
    }

    @Test
    void onAServiceWithABypassEveryUdpAndBindCommandIsRefusedWith0x02WithOrWithoutAChain() throws Exception {
        // Their datagrams and bound connections would not meet the bypass (nor a limiter, hosts, resolver,
        // interface or so_mark): refused rather than carried around it. CONNECT still works.
        InetSocketAddress any = new InetSocketAddress("0.0.0.0", 0);
        try (RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?udp=true&bind=true");
             RunningGost direct = RunningGost.start("socks5://127.0.0.1:0?udp=true&bind=true&bypass=10.0.0.0/8");
             RunningGost chained = RunningGost.start(
                     List.of("socks5://127.0.0.1:0?udp=true&bind=true&bypass=10.0.0.0/8"),
                     List.of("socks5://127.0.0.1:" + hop.port(0)))) {
            for (RunningGost gost : List.of(direct, chained)) {
                for (int command : new int[] {0x03, 0x02, 0xF3, 0xF2}) { // UDP ASSOCIATE, BIND, UDP-TUN, MBIND
                    try (Socket control = new Socket("127.0.0.1", gost.port(0))) {
                        control.setSoTimeout(5_000);
                        assertThat(UdpThroughChainsTest.request(control, command, any)[1])
                                .as("command 0x%02X on %s", command, gost.service(0).name())
                                .isEqualTo((byte) 0x02);
                    }
                }
            }
            assertThat(hop.service(0).totalConnections()).as("nothing reached the hop").isZero();
        }
    }
}
