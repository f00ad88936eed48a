package io.gost.runtime.udp;

import static io.gost.runtime.udp.UdpThroughChainsTest.bytes;
import static io.gost.runtime.udp.UdpThroughChainsTest.client;
import static io.gost.runtime.udp.UdpThroughChainsTest.concat;
import static io.gost.runtime.udp.UdpThroughChainsTest.request;
import static io.gost.runtime.udp.UdpThroughChainsTest.udpHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gost.runtime.service.Service;
import io.gost.runtime.testing.EchoServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GOST's relay protocol beyond CONNECT tcp, between gost-java's connector and handler: BIND for {@code rtcp} (smux
 * streams) and {@code rudp} (UDP-TUN frames), CONNECT udp for a {@code udp} forward, and the UDP association a
 * SOCKS5 service's UDP ASSOCIATE takes through a relay hop; a hop without {@code bind=true} answers 3.
 */
class RelayBindTest {

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }

    @Test
    void rtcpThroughARelayHopOpensThePortThereAndBringsEachConnectionBackAsAStream() throws Exception {
        int remotePort = freeTcpPort();
        try (EchoServer echo = new EchoServer();
             RunningGost hop = RunningGost.start("relay://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of("rtcp://127.0.0.1:" + remotePort + "/127.0.0.1:" + echo.port()),
                     List.of("relay://127.0.0.1:" + hop.port(0)))) {
            Service service = gost.service(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);
            assertThat(((InetSocketAddress) service.remoteBoundAddress()).getPort()).isEqualTo(remotePort);

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
            assertThat(hop.service(0).totalConnections()).as("one BIND connection to the hop").isEqualTo(1);
            assertThat(echo.accepted()).as("each peer reached the target from here").isEqualTo(2);
        }
    }

    @Test
    void rudpThroughARelayHopOpensTheUdpPortThereAndForwardsEachPeersDatagramsHere() throws Exception {
        int remotePort = freeUdpPort();
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost hop = RunningGost.start("relay://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of("rudp://127.0.0.1:" + remotePort + "/127.0.0.1:" + echo.port()),
                     List.of("relay://127.0.0.1:" + hop.port(0)));
             DatagramSocket first = client();
             DatagramSocket second = client()) {
            Service service = gost.service(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBoundAddress() != null);
            InetSocketAddress remote = new InetSocketAddress("127.0.0.1", remotePort);

            assertThat(UdpForwardTest.exchange(first, remote, bytes("one"))).isEqualTo(bytes("one"));
            assertThat(UdpForwardTest.exchange(second, remote, bytes("two"))).isEqualTo(bytes("two"));

            assertThat(service.currentConnections()).as("a session per peer of the remote port").isEqualTo(2);
            assertThat(hop.service(0).totalConnections()).as("one BIND connection to the hop").isEqualTo(1);
        }
    }

    /**
     * Not node nodelay=true with hop nodelay=false: the node waits for the answer that the hop sends only with the
     * target's first datagram, which never comes before the client's (a wait until the handshake timeout, as in
     * GOST; docs/transports.md).
     */
    @ParameterizedTest(name = "hop nodelay={0}, node nodelay={1}")
    @CsvSource({"false,false", "true,false", "true,true"})
    void aUdpForwardThroughARelayHopCarriesEmptyAndLargestDatagramsFromTheHop(boolean hopNoDelay,
                                                                              boolean nodeNoDelay) throws Exception {
        byte[] largest = new byte[65_507];
        new Random(7).nextBytes(largest);
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost hop = RunningGost.start("relay://127.0.0.1:0?nodelay=" + hopNoDelay);
             RunningGost gost = RunningGost.start(List.of("udp://127.0.0.1:0/127.0.0.1:" + echo.port()),
                     List.of("relay://127.0.0.1:" + hop.port(0) + "?nodelay=" + nodeNoDelay));
             DatagramSocket client = client()) {
            assertThat(UdpForwardTest.exchange(client, gost.address(0), bytes("through"))).isEqualTo(bytes("through"));
            assertThat(UdpForwardTest.exchange(client, gost.address(0), largest)).isEqualTo(largest);
            // Unlike UDP-TUN, the relay's framing has room for an empty datagram.
            assertThat(UdpForwardTest.exchange(client, gost.address(0), new byte[0])).isEmpty();

            assertThat(hop.service(0).totalConnections()).as("one CONNECT udp to the hop").isEqualTo(1);
            assertThat(echo.senders()).as("the target hears the hop, one socket").hasSize(1);
        }
    }

    @Test
    void aSocks5ClientsUdpAssociateOnAServiceChainedThroughARelayHopGoesThroughTheHop() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost hop = RunningGost.start("relay://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of("socks5://127.0.0.1:0?udp=true"),
                     List.of("relay://127.0.0.1:" + hop.port(0)));
             Socket control = new Socket("127.0.0.1", gost.port(0));
             DatagramSocket udp = client()) {
            control.setSoTimeout(5_000);
            byte[] reply = request(control, 0x03, new InetSocketAddress("0.0.0.0", 0));
            assertThat(reply[1]).isZero();
            InetSocketAddress relay = new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(reply, 4, 8)),
                    ((reply[8] & 0xFF) << 8) | (reply[9] & 0xFF));

            byte[] header = udpHeader(echo.address());
            byte[] answer = UdpForwardTest.exchange(udp, relay, concat(header, bytes("ping")));

            assertThat(answer).isEqualTo(concat(header, bytes("ping")));
            assertThat(hop.service(0).totalConnections()).as("the association went through the hop").isEqualTo(1);
        }
    }

    @Test
    void aRelayHopWithoutBindAnswersBindWith3AndTheRtcpPortIsTriedAgain() throws Exception {
        int remotePort = freeTcpPort();
        try (RunningGost hop = RunningGost.start("relay://127.0.0.1:0");
             Socket raw = new Socket("127.0.0.1", hop.port(0))) {
            raw.setSoTimeout(5_000);
            // BIND tcp on 0.0.0.0:2222 as GOST's connector sends it: network feature, address feature.
            raw.getOutputStream().write(HexFormat.of().parseHex("0102000f" + "0400020000" + "020007" + "0100000000"
                    + "08ae"));
            byte[] answer = new byte[4];
            new DataInputStream(raw.getInputStream()).readFully(answer);
            assertThat(HexFormat.of().formatHex(answer)).isEqualTo("01030000");
            assertThat(raw.getInputStream().read()).as("closed after the answer").isEqualTo(-1);

            try (RunningGost gost = RunningGost.start(List.of("rtcp://127.0.0.1:" + remotePort + "/127.0.0.1:9"),
                    List.of("relay://127.0.0.1:" + hop.port(0)))) {
                Service service = gost.service(0);
                // 1 s after the first refusal, then 2 s: three attempts within about 3 s.
                await().atMost(Duration.ofSeconds(10)).until(() -> service.remoteBindAttempts() >= 3);
                assertThat(service.remoteBindFailures()).isGreaterThanOrEqualTo(2);
                assertThat(service.remoteBoundAddress()).isNull();
            }
        }
    }
}
