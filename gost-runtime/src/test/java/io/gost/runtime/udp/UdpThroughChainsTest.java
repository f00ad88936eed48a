package io.gost.runtime.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * UDP through a chain: a gost-java SOCKS5 hop carries the datagrams over TCP as GOST's UDP-TUN, for a {@code udp}
 * forward and for a SOCKS5 client's UDP ASSOCIATE; what the target sees comes from the hop.
 */
class UdpThroughChainsTest {

    @Test
    void aUdpForwardThroughASocks5HopReachesTheTargetFromTheHop() throws Exception {
        byte[] largest = new byte[65_507];
        new Random(3).nextBytes(largest);
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?udp=true");
             RunningGost gost = RunningGost.start(List.of("udp://127.0.0.1:0/127.0.0.1:" + echo.port()),
                     List.of("socks5://127.0.0.1:" + hop.port(0)));
             DatagramSocket client = client()) {
            assertThat(UdpForwardTest.exchange(client, gost.address(0), bytes("through"))).isEqualTo(bytes("through"));
            assertThat(UdpForwardTest.exchange(client, gost.address(0), largest)).isEqualTo(largest);

            assertThat(hop.service(0).totalConnections()).as("one UDP-TUN connection to the hop").isEqualTo(1);
            assertThat(echo.senders()).hasSize(1);
        }
    }

    @Test
    void aHopThatDoesNotAllowUdpRefusesTheTunnelAndTheClientGetsNoAnswer() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost hop = RunningGost.start("socks5://127.0.0.1:0");
             RunningGost gost = RunningGost.start(List.of("udp://127.0.0.1:0/127.0.0.1:" + echo.port()),
                     List.of("socks5://127.0.0.1:" + hop.port(0)));
             DatagramSocket client = client()) {
            client.setSoTimeout(1_000);
            client.send(new DatagramPacket(new byte[] {1}, 1, gost.address(0)));

            assertThat(answered(client)).isFalse();
            assertThat(echo.senders()).isEmpty();
        }
    }

    @Test
    void udpTunIsRefusedWith0x02WhenUdpIsOffAndBindWith0x02WhenBindIsOff() throws Exception {
        try (RunningGost socks = RunningGost.start("socks5://127.0.0.1:0")) {
            assertThat(replyCode(socks.port(0), 0xF3, new InetSocketAddress("0.0.0.0", 0))).isEqualTo(0x02);
            assertThat(replyCode(socks.port(0), 0xF3, new InetSocketAddress("0.0.0.0", 5353))).isEqualTo(0x02);
            assertThat(replyCode(socks.port(0), 0x02, new InetSocketAddress("0.0.0.0", 0))).isEqualTo(0x02);
            assertThat(replyCode(socks.port(0), 0x03, new InetSocketAddress("0.0.0.0", 0))).isEqualTo(0x02);
        }
    }

    @Test
    void aSocks5ClientsUdpAssociateOnAChainedServiceGoesThroughTheChain() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer();
             RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?udp=true");
             RunningGost gost = RunningGost.start(List.of("socks5://127.0.0.1:0?udp=true"),
                     List.of("socks5://127.0.0.1:" + hop.port(0)));
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
    void aSocks5ClientsBindOnAChainedServiceOpensThePortOnTheLastHop() throws Exception {
        try (RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?bind=true");
             RunningGost gost = RunningGost.start(List.of("socks5://127.0.0.1:0?bind=true"),
                     List.of("socks5://127.0.0.1:" + hop.port(0)));
             Socket control = new Socket("127.0.0.1", gost.port(0))) {
            control.setSoTimeout(5_000);
            byte[] first = request(control, 0x02, new InetSocketAddress("0.0.0.0", 0));
            assertThat(first[1]).isZero();
            int port = ((first[8] & 0xFF) << 8) | (first[9] & 0xFF);
            assertThat(hop.service(0).totalConnections()).as("the BIND went to the hop").isEqualTo(1);

            try (Socket peer = new Socket("127.0.0.1", port)) {
                peer.setSoTimeout(5_000);
                byte[] second = readReply(new DataInputStream(control.getInputStream()));
                assertThat(second[1]).isZero();
                assertThat(((second[8] & 0xFF) << 8) | (second[9] & 0xFF)).isEqualTo(peer.getLocalPort());

                peer.getOutputStream().write(bytes("from peer"));
                byte[] atClient = new byte[9];
                new DataInputStream(control.getInputStream()).readFully(atClient);
                assertThat(atClient).isEqualTo(bytes("from peer"));
                control.getOutputStream().write(bytes("to peer"));
                byte[] atPeer = new byte[7];
                new DataInputStream(peer.getInputStream()).readFully(atPeer);
                assertThat(atPeer).isEqualTo(bytes("to peer"));
            }
        }
    }

    static byte[] request(Socket control, int command, InetSocketAddress address) throws IOException {
        OutputStream out = control.getOutputStream();
        DataInputStream in = new DataInputStream(control.getInputStream());
        out.write(new byte[] {0x05, 0x01, 0x00});
        byte[] method = new byte[2];
        in.readFully(method);
        assertThat(method).containsExactly(0x05, 0x00);
        ByteBuffer request = ByteBuffer.allocate(10);
        request.put((byte) 0x05).put((byte) command).put((byte) 0x00).put((byte) 0x01)
                .put(address.getAddress().getAddress()).putShort((short) address.getPort());
        out.write(request.array());
        return readReply(in);
    }

    static byte[] readReply(DataInputStream in) throws IOException {
        byte[] reply = new byte[10];
        in.readFully(reply);
        return reply;
    }

    private static int replyCode(int port, int command, InetSocketAddress address) throws IOException {
        try (Socket control = new Socket("127.0.0.1", port)) {
            control.setSoTimeout(5_000);
            return request(control, command, address)[1];
        }
    }

    static byte[] udpHeader(InetSocketAddress target) {
        return ByteBuffer.allocate(10).put(new byte[] {0, 0, 0, 1}).put(target.getAddress().getAddress())
                .putShort((short) target.getPort()).array();
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    private static boolean answered(DatagramSocket socket) throws IOException {
        try {
            socket.receive(new DatagramPacket(new byte[16], 16));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    static DatagramSocket client() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5_000);
        return socket;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
