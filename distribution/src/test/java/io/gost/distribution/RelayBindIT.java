package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GOST's relay protocol carrying what GOST users run through it, between two gost processes as they start them:
 * a relay hop ({@code relay://:P?bind=true}) and a process with {@code rtcp}, {@code rudp} and {@code udp} services
 * (or a SOCKS5 service with UDP) chained to it with {@code -F relay://}; socat at both edges.
 */
class RelayBindIT {

    private static final Duration READY = Duration.ofSeconds(30);

    @RegisterExtension
    final TestResources resources = new TestResources();

    private int echoPort;
    private int hopPort;

    @BeforeEach
    void startUdpEcho() {
        echoPort = resources.freePort();
        // fork: a child per client datagram, each echoing it back from the port the client sent to.
        resources.process("socat-echo", List.of(socat(), "UDP4-RECVFROM:" + echoPort + ",bind=127.0.0.1,fork",
                "EXEC:cat"));
        hopPort = resources.freePort();
    }

    private void startHop(String query) {
        resources.gost("-L", "relay://127.0.0.1:" + hopPort + query).awaitPort(hopPort);
    }

    @Test
    void rtcpThroughARelayHopBringsConnectionsToItsPortBackHere() throws Exception {
        startHop("?bind=true");
        int targetPort = resources.freePort();
        resources.process("socat-tcp-echo", List.of(socat(), "TCP4-LISTEN:" + targetPort
                + ",bind=127.0.0.1,fork,reuseaddr", "EXEC:cat")).awaitPort(targetPort);
        int rtcpPort = resources.freePort();
        GostProcess gost = resources.gost("-L", "rtcp://127.0.0.1:" + rtcpPort + "/127.0.0.1:" + targetPort,
                "-F", "relay://127.0.0.1:" + hopPort);
        Waits.until("the rtcp port open on the relay hop", READY,
                () -> gost.output().contains("the hop listens on 127.0.0.1:" + rtcpPort),
                () -> !gost.isAlive(), gost::describe);

        // shut-none: smux streams (as GOST's) have no half-close; the first end of stream ends a stream both ways.
        for (String text : List.of("first", "second")) {
            Process client = new ProcessBuilder(socat(), "-t", "5", "-", "TCP4:127.0.0.1:" + rtcpPort + ",shut-none")
                    .redirectErrorStream(true).start();
            client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().close();
            assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .as(gost::describe).isEqualTo(text);
        }
    }

    @Test
    void udpAndRudpThroughARelayHopCarrySocatsDatagrams() throws Exception {
        startHop("?bind=true");
        int udpPort = resources.freePort();
        int rudpPort = resources.freePort();
        GostProcess gost = resources.gost("-L", "udp://127.0.0.1:" + udpPort + "/127.0.0.1:" + echoPort,
                "-L", "rudp://127.0.0.1:" + rudpPort + "/127.0.0.1:" + echoPort,
                "-F", "relay://127.0.0.1:" + hopPort);
        Waits.until("the udp service listening and the rudp port open on the relay hop", READY,
                () -> gost.output().contains("listening on 127.0.0.1:" + udpPort)
                        && gost.output().contains("the hop listens on 127.0.0.1:" + rudpPort),
                () -> !gost.isAlive(), gost::describe);

        assertThat(socatClient(udpPort, "through the relay")).as(gost::describe).isEqualTo("through the relay");
        assertThat(socatClient(rudpPort, "back from the hop")).as(gost::describe).isEqualTo("back from the hop");
    }

    @Test
    void aSocks5ClientsUdpAssociateOnAServiceChainedThroughARelayHopGoesThroughIt() throws Exception {
        startHop("?bind=true");
        int socksPort = resources.freePort();
        resources.gost("-L", "socks5://127.0.0.1:" + socksPort + "?udp=true", "-F", "relay://127.0.0.1:" + hopPort)
                .awaitPort(socksPort);
        InetSocketAddress echo = new InetSocketAddress("127.0.0.1", echoPort);
        try (Socks5UdpClient client = new Socks5UdpClient(socksPort)) {
            byte[] payload = "associated".getBytes(StandardCharsets.US_ASCII);
            client.send(echo, payload);
            byte[] answer = client.receive();
            byte[] header = Socks5UdpClient.header(echo);
            assertThat(answer).as("the echo, with a header naming the echo server")
                    .startsWith(header).endsWith(payload).hasSize(header.length + payload.length);
        }
    }

    @Test
    void aRelayHopWithoutBindRefusesTheRtcpPortWithStatus3AndItIsTriedAgain() {
        startHop("");
        int rtcpPort = resources.freePort();
        GostProcess gost = resources.gost("-L", "rtcp://127.0.0.1:" + rtcpPort + "/127.0.0.1:9",
                "-F", "relay://127.0.0.1:" + hopPort);
        Waits.until("the refusal logged and a second attempt", READY,
                () -> gost.output().contains("relay status 3 (forbidden)") && gost.output().contains("(attempt 2)"),
                () -> !gost.isAlive(), gost::describe);
    }

    /** Sends {@code text} as one datagram with socat and returns what came back (socat waits 5 s after sending). */
    private String socatClient(int port, String text) throws IOException, InterruptedException {
        Process client = new ProcessBuilder(socat(), "-t", "5", "-", "UDP4:127.0.0.1:" + port)
                .redirectErrorStream(true).start();
        client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().close();
        if (!client.waitFor(20, TimeUnit.SECONDS)) {
            client.destroyForcibly();
        }
        return new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static String socat() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"), new String[] {"/usr/bin"})
                .flatMap(Stream::of)
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Paths.get(directory, "socat"))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new AssertionError("socat is not installed; the UDP tests need it as a real"
                        + " peer: apt-get install -y socat"));
    }
}
