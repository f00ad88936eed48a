package io.gost.runtime.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gost.runtime.service.Service;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code -L udp://:PORT/TARGET[,TARGET2]}: each client address is a session with its own socket toward one target,
 * kept as long as it carries traffic, bounded in number, and closed with the service.
 */
class UdpForwardTest {

    @Test
    void aDatagramIsForwardedAndItsAnswerComesBack() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + echo.port());
             DatagramSocket client = client()) {
            assertThat(text(exchange(client, gost.address(0), bytes("hello")))).isEqualTo("hello");
            assertThat(text(exchange(client, gost.address(0), bytes("again")))).isEqualTo("again");
            assertThat(echo.senders()).as("one session, one socket toward the target").hasSize(1);
        }
    }

    @Test
    void emptyDatagramsAndTheLargestUdpDatagramsGoBothWaysWhole() throws Exception {
        byte[] largest = new byte[65_507];
        new Random(7).nextBytes(largest);
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + echo.port());
             DatagramSocket client = client()) {
            assertThat(exchange(client, gost.address(0), new byte[0])).isEmpty();
            assertThat(exchange(client, gost.address(0), largest)).isEqualTo(largest);
        }
    }

    @Test
    void eachClientAddressIsASessionOfItsOwn() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + echo.port());
             DatagramSocket first = client();
             DatagramSocket second = client()) {
            assertThat(text(exchange(first, gost.address(0), bytes("from first")))).isEqualTo("from first");
            assertThat(text(exchange(second, gost.address(0), bytes("from second")))).isEqualTo("from second");

            assertThat(echo.senders()).hasSize(2);
            assertThat(gost.service(0).currentConnections()).isEqualTo(2);
        }
    }

    @Test
    void severalTargetsShareTheSessionsRoundRobin() throws Exception {
        try (UdpEchoServer one = new UdpEchoServer();
             UdpEchoServer two = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + one.port() + ",127.0.0.1:"
                     + two.port());
             DatagramSocket first = client();
             DatagramSocket second = client()) {
            exchange(first, gost.address(0), bytes("a"));
            exchange(second, gost.address(0), bytes("b"));

            assertThat(one.senders()).hasSize(1);
            assertThat(two.senders()).hasSize(1);
        }
    }

    @Test
    void withKeepaliveFalseEveryRequestIsASessionOfItsOwnAsInGost() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + echo.port() + "?keepalive=false");
             DatagramSocket client = client()) {
            exchange(client, gost.address(0), bytes("one"));
            await().atMost(Duration.ofSeconds(5)).until(() -> gost.service(0).currentConnections() == 0);
            exchange(client, gost.address(0), bytes("two"));

            assertThat(echo.senders()).as("a new socket toward the target for the second request").hasSize(2);
        }
    }

    @Test
    void aSessionWithoutTrafficForItsTtlIsClosed() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + echo.port() + "?ttl=200ms");
             DatagramSocket client = client()) {
            exchange(client, gost.address(0), bytes("one"));
            assertThat(gost.service(0).currentConnections()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(5)).until(() -> gost.service(0).currentConnections() == 0);
            exchange(client, gost.address(0), bytes("two"));
            assertThat(echo.senders()).hasSize(2);
        }
    }

    @Test
    void aFloodFromManyAddressesOpensNoMoreThanMaxSessions() throws Exception {
        int clients = 40;
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + echo.port() + "?maxSessions=8&ttl=1m")) {
            List<DatagramSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    DatagramSocket socket = client();
                    sockets.add(socket);
                    socket.send(new DatagramPacket(new byte[] {1}, 1, gost.address(0)));
                }
                for (int i = 0; i < 8; i++) {
                    assertThat(answeredWithin(sockets.get(i))).as("client %d", i).isTrue();
                }
                // The listener reads its socket in order: once a later datagram of the first client is answered,
                // every datagram of the flood has been handled.
                assertThat(exchange(sockets.get(0), gost.address(0), bytes("marker"))).isEqualTo(bytes("marker"));

                Service service = gost.service(0);
                assertThat(service.currentConnections()).isEqualTo(8);
                assertThat(service.totalConnections()).isEqualTo(8);
                assertThat(echo.senders()).as("sockets toward the target").hasSize(8);
                for (DatagramSocket refused : sockets.subList(8, clients)) {
                    refused.setSoTimeout(1);
                    assertThat(answeredWithin(refused)).isFalse();
                }
            } finally {
                sockets.forEach(DatagramSocket::close);
            }
        }
    }

    @Test
    void stoppingTheServiceClosesEverySession() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + echo.port());
             DatagramSocket first = client();
             DatagramSocket second = client()) {
            exchange(first, gost.address(0), bytes("a"));
            exchange(second, gost.address(0), bytes("b"));
            assertThat(gost.service(0).currentConnections()).isEqualTo(2);

            gost.runtime().stopAccepting();

            await().atMost(Duration.ofSeconds(5)).until(() -> gost.service(0).currentConnections() == 0);
        }
    }

    @Test
    void aTargetThatAnswersPortUnreachableEndsTheSession() throws Exception {
        int closedPort;
        try (DatagramSocket nobody = client()) {
            closedPort = nobody.getLocalPort();
        }
        try (RunningGost gost = RunningGost.start("udp://127.0.0.1:0/127.0.0.1:" + closedPort);
             DatagramSocket client = client()) {
            client.send(new DatagramPacket(new byte[] {1}, 1, gost.address(0)));
            await().atMost(Duration.ofSeconds(5)).until(() -> gost.service(0).totalConnections() == 1
                    && gost.service(0).currentConnections() == 0);
        }
    }

    private static boolean answeredWithin(DatagramSocket socket) throws IOException {
        try {
            socket.receive(new DatagramPacket(new byte[16], 16));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static DatagramSocket client() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    static byte[] exchange(DatagramSocket client, InetSocketAddress to, byte[] payload) throws IOException {
        client.send(new DatagramPacket(payload, payload.length, to));
        byte[] buffer = new byte[65_536];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        client.receive(answer);
        return Arrays.copyOf(answer.getData(), answer.getLength());
    }
}
