package io.gost.plugin.ws.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.plugin.ws.LeakDetection;
import io.gost.plugin.ws.dialer.WsDialerFactory;
import io.gost.plugin.ws.testing.WsFixture;
import io.netty.channel.Channel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ws and wss listeners and dialers against each other and against raw HTTP: the byte stream both ways,
 * paths, headers, refusals answered as GOST (Go's server) answers them, and the dialer's pings.
 */
@ExtendWith(LeakDetection.class)
class WebSocketTransportTest {

    private WsFixture fixture;

    @BeforeEach
    void startFixture() {
        fixture = new WsFixture();
    }

    @AfterEach
    void closeFixture() throws Exception {
        fixture.close();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void bytesGoBothWaysThroughTheUpgradeOnAChosenPath(boolean tls) throws Exception {
        InetSocketAddress server = fixture.echoServer(tls, Metadata.of("path", "/tunnel"));
        Future<Channel> dialed = fixture.dial(fixture.dialer(tls, Metadata.of("ws.path", "/tunnel")), server);

        assertThat(dialed.isSuccess()).as("%s", dialed.cause()).isTrue();
        byte[] payload = new byte[300_000];
        new java.util.Random(7).nextBytes(payload);
        assertThat(WsFixture.exchange(dialed.getNow(), payload)).isEqualTo(payload);
        assertThat(fixture.accepted()).hasSize(1);
    }

    @Test
    void largeWritesAreSplitAtWriteBufferSizeAndStillArriveWhole() throws Exception {
        InetSocketAddress server = fixture.echoServer(false, Metadata.of("writeBufferSize", "1000"));
        Channel channel = fixture.dial(fixture.dialer(false, Metadata.of("writeBufferSize", "777")), server).getNow();
        byte[] payload = new byte[100_000];
        new java.util.Random(8).nextBytes(payload);

        assertThat(WsFixture.exchange(channel, payload)).isEqualTo(payload);
    }

    @Test
    void permessageDeflateWorksWhenBothSidesEnableIt() throws Exception {
        InetSocketAddress server = fixture.echoServer(false, Metadata.of("enableCompression", "true"));
        Channel channel = fixture.dial(fixture.dialer(false, Metadata.of("ws.enableCompression", "true")), server)
                .getNow();
        byte[] payload = "compressible ".repeat(10_000).getBytes(StandardCharsets.US_ASCII);

        assertThat(WsFixture.exchange(channel, payload)).isEqualTo(payload);
        assertThat(channel.pipeline().names()).anyMatch(name -> name.toLowerCase().contains("deflate"));
    }

    @Test
    void aHalfCloseReachesThePeerAsTheEndOfItsInput() throws Exception {
        InetSocketAddress server = fixture.echoServer(false, Metadata.empty());
        Channel channel = fixture.dial(fixture.dialer(false, Metadata.empty()), server).getNow();
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
        assertThat(WsFixture.exchange(channel, "before".getBytes(StandardCharsets.US_ASCII))).hasSize(6);

        ((DuplexChannel) channel).shutdownOutput().sync();

        serverEnded.get(10, TimeUnit.SECONDS);
    }

    @Test
    void otherPathsAre404AndPlainHttpOnThePathIs400AndTheServiceKeepsServing() throws Exception {
        InetSocketAddress server = fixture.echoServer(false, Metadata.of("path", "/ws"));

        String wrongPath = rawRequest(server, "GET /other HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13"
                + "\r\n\r\n");
        String plain = rawRequest(server, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n");
        Future<Channel> dialed = fixture.dial(fixture.dialer(false, Metadata.empty()), server);

        assertThat(wrongPath).startsWith("HTTP/1.1 404 Not Found").endsWith("404 page not found\n");
        assertThat(plain).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(dialed.isSuccess()).isTrue();
        assertThat(fixture.accepted()).hasSize(1);
    }

    @Test
    void theListenersHeadersAreOnThe101AndTheDialersOnTheRequest() throws Exception {
        InetSocketAddress server = fixture.echoServer(false, Metadata.of(Map.of("header", Map.of("X-Served-By", "gost"))));

        String answer = rawRequest(server, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13"
                + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 101 Switching Protocols").contains("X-Served-By: gost")
                .contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

        try (FakeWebSocketServer fake = new FakeWebSocketServer()) {
            Channel channel = fixture.dial(fixture.dialer(false, Metadata.of(Map.of("ws.host", "cdn.example",
                    "header.X-Token", "secret", "path", "/x?key=1"))), fake.address()).getNow();
            assertThat(channel).isNotNull();
            assertThat(fake.request()).startsWith("GET /x?key=1 HTTP/1.1").contains("host: cdn.example")
                    .containsIgnoringCase("X-Token: secret").doesNotContainIgnoringCase("origin:");
        }
    }

    @Test
    void theDialerSaysWhatTheServerAnsweredInsteadOfUpgrading() throws Exception {
        InetSocketAddress server = fixture.echoServer(false, Metadata.of("path", "/right"));

        Future<Channel> dialed = fixture.dial(fixture.dialer(false, Metadata.of("path", "/wrong")), server);

        assertThat(dialed.isSuccess()).isFalse();
        assertThat(dialed.cause()).hasMessage("WebSocket upgrade with 127.0.0.1:" + server.getPort() + "/wrong"
                + " failed: the server answered 404 Not Found instead of switching to WebSocket (is path '/wrong'"
                + " the server's?)");
    }

    @Test
    void keepalivePingsAndGivesUpOnASilentPeerAfterTwiceTheInterval() throws Exception {
        try (FakeWebSocketServer silent = new FakeWebSocketServer()) {
            // Measured from before the dial: the silence the dialer counts starts during the handshake, so
            // only "at least twice the interval since the dial began" is a bound a busy machine keeps.
            long start = System.nanoTime();
            Channel channel = fixture.dial(fixture.dialer(false, Metadata.of("ws.keepalive", "true", "ttl",
                    "200ms")), silent.address()).getNow();

            assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400),
                    Duration.ofSeconds(3));
            assertThat(silent.awaitPing()).isTrue();
        }
    }

    @Test
    void aReadThatBringsOnlyAPingStillEndsWithTheBytesAskedFor() throws Exception {
        try (FakeWebSocketServer pinging = new FakeWebSocketServer(true)) {
            Channel channel = fixture.dial(fixture.dialer(false, Metadata.empty()), pinging.address()).getNow();
            CompletableFuture<String> data = new CompletableFuture<>();
            channel.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object message) {
                    io.netty.buffer.ByteBuf bytes = (io.netty.buffer.ByteBuf) message;
                    data.complete(bytes.toString(StandardCharsets.US_ASCII));
                    bytes.release();
                }
            });

            // The server pings when this arrives, and sends its data once the pong is back. One read, as a relay
            // asks it: the read brings only the ping, which is answered here, and must still end with the data.
            channel.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("go", StandardCharsets.US_ASCII));
            channel.read();

            assertThat(data.get(10, TimeUnit.SECONDS)).isEqualTo("data");
        }
    }

    @Test
    void oneReadBringsAWholeMessageThatSpansManySocketReads() throws Exception {
        InetSocketAddress server = fixture.echoServer(false, Metadata.empty());
        // 4 KiB socket reads: the 512 KiB message echoed back arrives in over a hundred of them.
        Channel channel = fixture.dial(fixture.dialer(false, Metadata.of("ws.readBufferSize", "4096")), server)
                .getNow();
        CompletableFuture<Integer> firstRead = new CompletableFuture<>();
        channel.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object message) {
                io.netty.buffer.ByteBuf bytes = (io.netty.buffer.ByteBuf) message;
                firstRead.complete(bytes.readableBytes());
                bytes.release();
            }
        });

        channel.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[512 * 1024]));
        // One read, as a relay asks it: the stage must keep reading the socket until the message is whole.
        channel.read();

        assertThat(firstRead.get(10, TimeUnit.SECONDS)).isEqualTo(512 * 1024);
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> new WsDialerFactory().create(Metadata.of("path", "ws"), WsFixture.context("n", null)))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'path'");
        assertThatThrownBy(() -> new WsDialerFactory().create(Metadata.of("keepalive", "true", "ttl", "0"),
                WsFixture.context("n", null))).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("'ttl'");
    }

    private static String rawRequest(InetSocketAddress server, String request) throws Exception {
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder answer = new StringBuilder();
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                if (answer.toString().startsWith("HTTP/1.1 101") && answer.indexOf("\r\n\r\n") > 0) {
                    break; // an upgraded connection stays open
                }
            }
            return answer.toString();
        }
    }

    /** Accepts one upgrade by hand, then reads whatever comes and answers nothing. */
    private static final class FakeWebSocketServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        private final CompletableFuture<String> request = new CompletableFuture<>();
        private final CompletableFuture<Boolean> ping = new CompletableFuture<>();
        private final Thread thread = new Thread(this::serve, "fake-websocket");
        private final boolean pingFirst;

        FakeWebSocketServer() throws Exception {
            this(false);
        }

        /** With {@code pingFirst}, pings when a data message arrives, and sends "data" once the pong came. */
        FakeWebSocketServer(boolean pingFirst) throws Exception {
            this.pingFirst = pingFirst;
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", server.getLocalPort());
        }

        String request() throws Exception {
            return request.get(10, TimeUnit.SECONDS);
        }

        boolean awaitPing() throws Exception {
            return ping.get(10, TimeUnit.SECONDS);
        }

        private void serve() {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.append((char) b);
                }
                request.complete(head.toString());
                String key = head.toString().lines().filter(line -> line.toLowerCase().startsWith("sec-websocket-key:"))
                        .findFirst().orElseThrow().substring(18).trim();
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (int opcode; (opcode = readFrame(in)) >= 0; ) {
                    if (opcode == 0x9) {
                        ping.complete(true);
                    } else if (opcode == 0x2 && pingFirst) {
                        socket.getOutputStream().write(new byte[] {(byte) 0x89, 0});
                    } else if (opcode == 0xa && pingFirst) {
                        socket.getOutputStream().write(new byte[] {(byte) 0x82, 4, 'd', 'a', 't', 'a'});
                    }
                }
            } catch (Exception e) {
                request.completeExceptionally(e);
                ping.completeExceptionally(e);
            }
        }

        /** Reads one client frame and returns its opcode, or -1 at the end of the stream. */
        private static int readFrame(InputStream in) throws java.io.IOException {
            int first = in.read();
            int second = in.read();
            if (first < 0 || second < 0) {
                return -1;
            }
            long length = second & 0x7f;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | in.read();
                }
            }
            int maskBytes = (second & 0x80) != 0 ? 4 : 0;
            in.readNBytes(maskBytes + (int) length);
            return first & 0x0f;
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
