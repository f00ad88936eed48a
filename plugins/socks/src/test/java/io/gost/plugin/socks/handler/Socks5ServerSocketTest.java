package io.gost.plugin.socks.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Authenticator;
import io.gost.api.Handler;
import io.gost.api.Metadata;
import io.gost.plugin.socks.LeakDetection;
import io.gost.plugin.socks.testing.ExternalProgram;
import io.gost.plugin.socks.testing.HandlerServer;
import io.gost.plugin.socks.testing.HttpOrigin;
import io.gost.plugin.socks.testing.UdpEchoServer;
import io.gost.testkit.EchoServer;
import io.gost.testkit.TestPluginContext;
import io.gost.testkit.TestTransport;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SOCKS5 server on real loopback sockets, with real clients: curl for CONNECT (domain, IPv4,
 * username/password), and small clients written here for what curl cannot do (UDP ASSOCIATE, BIND,
 * pipelining, half-close, exact reply codes).
 */
@ExtendWith(LeakDetection.class)
class Socks5ServerSocketTest {

    private static final Duration CURL_TIMEOUT = Duration.ofSeconds(20);
    private static TestTransport transport;
    private static HttpOrigin origin;

    @BeforeAll
    static void startTransportAndOrigin() throws IOException {
        ExternalProgram.require("curl", "curl");
        transport = new TestTransport();
        origin = new HttpOrigin("hello through socks5\n");
    }

    @AfterAll
    static void stopTransportAndOrigin() throws IOException {
        origin.close();
        transport.close();
    }

    private static Handler handler(Metadata metadata, Optional<Authenticator> authenticator) {
        return new Socks5HandlerFactory().create(metadata,
                TestPluginContext.authenticating("service-0", authenticator));
    }

    private static HandlerServer server(Metadata metadata) throws InterruptedException {
        return new HandlerServer(handler(metadata, Optional.empty()), transport);
    }

    // ---- curl ----

    @Test
    void curlWithRemoteNameResolutionFetchesThroughTheProxy() throws Exception {
        try (HandlerServer server = server(Metadata.empty())) {
            ExternalProgram.Result curl = ExternalProgram.run(CURL_TIMEOUT, "curl", "-sS", "--max-time", "10",
                    "--socks5-hostname", server.hostAndPort(), "http://localhost:" + origin.address().getPort() + "/");

            assertThat(curl.exitCode()).as(curl.stderr()).isZero();
            assertThat(curl.stdout()).isEqualTo("hello through socks5\n");
            assertThat(server.contexts().get(0).contractBreaches()).isEmpty();
        }
    }

    @Test
    void curlWithLocalResolutionFetchesThroughTheProxy() throws Exception {
        try (HandlerServer server = server(Metadata.empty())) {
            ExternalProgram.Result curl = ExternalProgram.run(CURL_TIMEOUT, "curl", "-sS", "--max-time", "10",
                    "--socks5", server.hostAndPort(), origin.url());

            assertThat(curl.exitCode()).as(curl.stderr()).isZero();
            assertThat(curl.stdout()).isEqualTo("hello through socks5\n");
        }
    }

    @Test
    void curlWithTheRightUsernameAndPasswordFetchesThroughTheProxy() throws Exception {
        Authenticator authenticator = (user, pass) -> user.equals("user") && pass.equals("secret");
        try (HandlerServer server = new HandlerServer(handler(Metadata.empty(), Optional.of(authenticator)), transport)) {
            ExternalProgram.Result curl = ExternalProgram.run(CURL_TIMEOUT, "curl", "-sS", "--max-time", "10",
                    "--socks5", server.hostAndPort(), "-U", "user:secret", origin.url());

            assertThat(curl.exitCode()).as(curl.stderr()).isZero();
            assertThat(curl.stdout()).isEqualTo("hello through socks5\n");
        }
    }

    @Test
    void curlWithAWrongPasswordIsTurnedAway() throws Exception {
        Authenticator authenticator = (user, pass) -> user.equals("user") && pass.equals("secret");
        try (HandlerServer server = new HandlerServer(handler(Metadata.empty(), Optional.of(authenticator)), transport)) {
            int requestsBefore = origin.requestHeads().size();
            ExternalProgram.Result curl = ExternalProgram.run(CURL_TIMEOUT, "curl", "-sS", "--max-time", "10",
                    "--socks5", server.hostAndPort(), "-U", "user:wrong", origin.url());

            assertThat(curl.exitCode()).as("curl's proxy handshake error").isEqualTo(97);
            assertThat(curl.stderr()).contains("rejected");
            assertThat(origin.requestHeads()).hasSize(requestsBefore);
        }
    }

    // ---- CONNECT with a client written here ----

    @Test
    void aRefusedConnectionIsAnsweredWith0x05() throws Exception {
        int closedPort = ExternalProgram.freeLoopbackPort();
        try (HandlerServer server = server(Metadata.empty()); Socket control = connectTo(server)) {
            greet(control);

            byte[] reply = request(control, 0x01, new InetSocketAddress("127.0.0.1", closedPort));

            assertThat(reply[1]).isEqualTo((byte) 0x05);
            assertThat(control.getInputStream().read()).as("closed after the reply").isEqualTo(-1);
        }
    }

    @Test
    void aClientThatSendsItsDataWithTheRequestGetsItAllEchoed() throws Exception {
        try (EchoServer echo = EchoServer.start(); HandlerServer server = server(Metadata.empty());
             Socket client = connectTo(server)) {
            byte[] payload = "pipelined payload".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(new byte[] {0x05, 0x01, 0x00});
            all.writeBytes(requestBytes(0x01, echo.address()));
            all.writeBytes(payload);

            client.getOutputStream().write(all.toByteArray());
            DataInputStream in = new DataInputStream(client.getInputStream());
            byte[] replies = new byte[2 + 10 + payload.length];
            in.readFully(replies);

            assertThat(Arrays.copyOfRange(replies, 0, 4)).containsExactly(0x05, 0x00, 0x05, 0x00);
            assertThat(Arrays.copyOfRange(replies, 12, replies.length)).isEqualTo(payload);
        }
    }

    @Test
    void aHalfCloseIsPassedThroughAndTheAnswerStillArrives() throws Exception {
        try (EchoServer echo = EchoServer.start(); HandlerServer server = server(Metadata.empty());
             Socket client = connectTo(server)) {
            greet(client);
            assertThat(request(client, 0x01, echo.address())[1]).isZero();
            byte[] payload = new byte[256 * 1024];
            Arrays.fill(payload, (byte) 'x');

            client.getOutputStream().write(payload);
            client.shutdownOutput();

            assertThat(client.getInputStream().readAllBytes()).isEqualTo(payload);
        }
    }

    // ---- UDP ASSOCIATE ----

    @Test
    void udpAssociateRelaysADatagramToATargetAndItsAnswerBack() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer(); HandlerServer server = server(Metadata.of("udp", "true"));
             Socket control = connectTo(server); DatagramSocket udp = loopbackDatagramSocket("127.0.0.1")) {
            greet(control);
            byte[] reply = request(control, 0x03, new InetSocketAddress("0.0.0.0", 0));
            assertThat(reply[1]).isZero();
            InetSocketAddress relay = boundAddress(reply);
            assertThat(relay.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));

            byte[] answer = exchange(udp, relay, udpHeader(echo.address()), "ping");

            assertThat(answer).isEqualTo(concat(udpHeader(echo.address()), "ping".getBytes(StandardCharsets.US_ASCII)));
            // The relay socket faces the client (service netns); the one toward targets is the router's (netns.out).
            assertThat(server.contexts().get(0).clientSideSockets()).as("sockets made in the service netns").isEqualTo(1);
            assertThat(server.contexts().get(0).countedFromClient()).isEqualTo(4);
        }
    }

    /** An empty datagram is a datagram (RFC 768): keep-alives and probes are sent as such, both ways. */
    @Test
    void udpAssociateRelaysEmptyDatagramsBothWays() throws Exception {
        try (HandlerServer server = server(Metadata.of("udp", "true")); Socket control = connectTo(server);
             DatagramSocket udp = loopbackDatagramSocket("127.0.0.1"); DatagramSocket target = loopbackDatagramSocket("127.0.0.1")) {
            greet(control);
            InetSocketAddress relay = boundAddress(request(control, 0x03, new InetSocketAddress("0.0.0.0", 0)));
            InetSocketAddress targetAddress = (InetSocketAddress) target.getLocalSocketAddress();
            byte[] header = udpHeader(targetAddress);

            udp.send(new DatagramPacket(header, header.length, relay));
            DatagramPacket atTarget = new DatagramPacket(new byte[100], 100);
            target.receive(atTarget);
            assertThat(atTarget.getLength()).as("payload the target received").isZero();

            target.send(new DatagramPacket(new byte[0], 0, atTarget.getSocketAddress()));
            DatagramPacket atClient = new DatagramPacket(new byte[100], 100);
            udp.receive(atClient);
            assertThat(Arrays.copyOf(atClient.getData(), atClient.getLength())).as("header naming the target, no payload")
                    .isEqualTo(header);
            assertThat(atClient.getSocketAddress()).isEqualTo(relay);
        }
    }

    @Test
    void udpAssociateResolvesADomainTarget() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer(); HandlerServer server = server(Metadata.of("udp", "true"));
             Socket control = connectTo(server); DatagramSocket udp = loopbackDatagramSocket("127.0.0.1")) {
            greet(control);
            InetSocketAddress relay = boundAddress(request(control, 0x03, new InetSocketAddress("0.0.0.0", 0)));
            byte[] host = "localhost".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer header = ByteBuffer.allocate(4 + 1 + host.length + 2);
            header.put(new byte[] {0, 0, 0, 0x03, (byte) host.length}).put(host).putShort((short) echo.address().getPort());

            byte[] answer = exchange(udp, relay, header.array(), "pong");

            assertThat(answer).isEqualTo(concat(udpHeader(echo.address()), "pong".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void udpDatagramsFromAnotherIpThanTheClientsAreDropped() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer(); HandlerServer server = server(Metadata.of("udp", "true"));
             Socket control = connectTo(server); DatagramSocket stranger = loopbackDatagramSocket("127.0.0.2");
             DatagramSocket udp = loopbackDatagramSocket("127.0.0.1")) {
            greet(control);
            InetSocketAddress relay = boundAddress(request(control, 0x03, new InetSocketAddress("0.0.0.0", 0)));
            stranger.setSoTimeout(500);

            assertThatThrownBy(() -> exchange(stranger, relay, udpHeader(echo.address()), "intruder"))
                    .isInstanceOf(SocketTimeoutException.class);
            // The association itself works: the client's own datagram is answered.
            assertThat(exchange(udp, relay, udpHeader(echo.address()), "ok")).endsWith('o', 'k');
        }
    }

    @Test
    void fragmentedDatagramsAreDropped() throws Exception {
        try (UdpEchoServer echo = new UdpEchoServer(); HandlerServer server = server(Metadata.of("udp", "true"));
             Socket control = connectTo(server); DatagramSocket udp = loopbackDatagramSocket("127.0.0.1")) {
            greet(control);
            InetSocketAddress relay = boundAddress(request(control, 0x03, new InetSocketAddress("0.0.0.0", 0)));
            byte[] fragment = udpHeader(echo.address());
            fragment[2] = 1;
            udp.setSoTimeout(500);

            assertThatThrownBy(() -> exchange(udp, relay, fragment, "part one"))
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void theAssociationEndsWhenTheControlConnectionCloses() throws Exception {
        try (HandlerServer server = server(Metadata.of("udp", "true"))) {
            InetSocketAddress relay;
            try (Socket control = connectTo(server)) {
                greet(control);
                relay = boundAddress(request(control, 0x03, new InetSocketAddress("0.0.0.0", 0)));
                assertThatThrownBy(() -> new DatagramSocket(relay).close())
                        .as("the relay port is taken while the association lives").isInstanceOf(BindException.class);
            }

            assertThat(bindsWithin(relay, Duration.ofSeconds(5))).as("relay port released").isTrue();
        }
    }

    // ---- BIND ----

    @Test
    void bindRepliesTwiceAndRelaysBetweenTheClientAndTheIncomingPeer() throws Exception {
        try (HandlerServer server = server(Metadata.of("bind", "true")); Socket control = connectTo(server)) {
            greet(control);
            byte[] first = request(control, 0x02, new InetSocketAddress("0.0.0.0", 0));
            assertThat(first[1]).isZero();
            InetSocketAddress listening = boundAddress(first);
            assertThat(listening.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));

            try (Socket peer = new Socket(listening.getAddress(), listening.getPort())) {
                byte[] second = readReply(control.getInputStream());
                assertThat(second[1]).isZero();
                assertThat(boundAddress(second)).isEqualTo(peer.getLocalSocketAddress());

                peer.getOutputStream().write("from peer".getBytes(StandardCharsets.US_ASCII));
                control.getOutputStream().write("from client".getBytes(StandardCharsets.US_ASCII));

                assertThat(new String(new DataInputStream(control.getInputStream()).readNBytes(9),
                        StandardCharsets.US_ASCII)).isEqualTo("from peer");
                assertThat(new String(new DataInputStream(peer.getInputStream()).readNBytes(11),
                        StandardCharsets.US_ASCII)).isEqualTo("from client");
            }
            assertThat(server.contexts().get(0).clientSideSockets()).as("listener made in the service netns").isEqualTo(1);
        }
    }

    @Test
    void bindWithNoPeerWithinTheTimeoutAnswers0x01() throws Exception {
        try (HandlerServer server = server(Metadata.of("bind", "true", "readTimeout", "300ms"));
             Socket control = connectTo(server)) {
            greet(control);
            InetSocketAddress listening = boundAddress(request(control, 0x02, new InetSocketAddress("0.0.0.0", 0)));

            byte[] second = readReply(control.getInputStream());

            assertThat(second[1]).isEqualTo((byte) 0x01);
            assertThat(control.getInputStream().read()).isEqualTo(-1);
            assertThat(refusedWithin(listening, Duration.ofSeconds(5))).as("the BIND port is closed").isTrue();
        }
    }

    // ---- helpers ----

    private static Socket connectTo(HandlerServer server) throws IOException {
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static DatagramSocket loopbackDatagramSocket(String ip) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), 0));
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void greet(Socket socket) throws IOException {
        socket.getOutputStream().write(new byte[] {0x05, 0x01, 0x00});
        byte[] selection = new DataInputStream(socket.getInputStream()).readNBytes(2);
        assertThat(selection).containsExactly(0x05, 0x00);
    }

    private static byte[] requestBytes(int command, InetSocketAddress address) {
        ByteBuffer request = ByteBuffer.allocate(10);
        request.put(new byte[] {0x05, (byte) command, 0x00, 0x01}).put(address.getAddress().getAddress())
                .putShort((short) address.getPort());
        return request.array();
    }

    private static byte[] request(Socket socket, int command, InetSocketAddress address) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(requestBytes(command, address));
        return readReply(socket.getInputStream());
    }

    /** Reads one reply with an IPv4 BND address. */
    private static byte[] readReply(InputStream in) throws IOException {
        byte[] reply = new DataInputStream(in).readNBytes(10);
        assertThat(reply).hasSize(10);
        assertThat(reply[3]).as("ATYP IPv4").isEqualTo((byte) 0x01);
        return reply;
    }

    private static InetSocketAddress boundAddress(byte[] reply) throws IOException {
        InetAddress address = InetAddress.getByAddress(Arrays.copyOfRange(reply, 4, 8));
        int port = ((reply[8] & 0xFF) << 8) | (reply[9] & 0xFF);
        return new InetSocketAddress(address, port);
    }

    private static byte[] udpHeader(InetSocketAddress target) {
        ByteBuffer header = ByteBuffer.allocate(10);
        header.put(new byte[] {0, 0, 0, 0x01}).put(target.getAddress().getAddress()).putShort((short) target.getPort());
        return header.array();
    }

    private static byte[] exchange(DatagramSocket socket, InetSocketAddress relay, byte[] header, String payload)
            throws IOException {
        byte[] datagram = concat(header, payload.getBytes(StandardCharsets.US_ASCII));
        socket.send(new DatagramPacket(datagram, datagram.length, relay));
        byte[] buffer = new byte[65_536];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        socket.receive(answer);
        assertThat(answer.getSocketAddress()).as("answered from the announced relay address").isEqualTo(relay);
        return Arrays.copyOf(answer.getData(), answer.getLength());
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** NIO releases a closed listening port at the event loop's next select: no future reaches this thread. */
    private static boolean refusedWithin(InetSocketAddress address, Duration timeout) {
        return within(timeout, () -> {
            try {
                new Socket(address.getAddress(), address.getPort()).close();
                return false;
            } catch (IOException refused) {
                return true;
            }
        });
    }

    /** The relay socket is closed on the event loop: no future reaches this thread. */
    private static boolean bindsWithin(InetSocketAddress address, Duration timeout) {
        return within(timeout, () -> {
            try {
                new DatagramSocket(address).close();
                return true;
            } catch (IOException stillBound) {
                return false;
            }
        });
    }

    private static boolean within(Duration timeout, Callable<Boolean> condition) {
        try {
            Awaitility.await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .atMost(timeout).until(condition);
            return true;
        } catch (ConditionTimeoutException late) {
            return false;
        }
    }
}
