package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, half-close through every relay: the client sends its request and shuts its output down
 * ({@code shutdown(SHUT_WR)}); the server answers only after it saw that end of stream. The whole answer
 * must come back, and gost must have closed both of its sockets within 10 s of the server closing.
 */
class HalfCloseIT {

    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(10);

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void throughATcpForward() throws Exception {
        AnswerAfterEndServer server = resources.add(new AnswerAfterEndServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "tcp://127.0.0.1:" + port + "/127.0.0.1:" + server.port())
                .awaitPort(port);

        exchange(server, port, null, gost);
    }

    @Test
    void throughAnHttpConnectTunnel() throws Exception {
        AnswerAfterEndServer server = resources.add(new AnswerAfterEndServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + port).awaitPort(port);

        exchange(server, port, "CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.port() + "\r\n\r\n", gost);
    }

    @Test
    void throughAChainOfGostsOwnHttpProxy() throws Exception {
        AnswerAfterEndServer server = resources.add(new AnswerAfterEndServer());
        int hopPort = resources.freePort();
        int port = resources.freePort();
        GostProcess hop = resources.gost("-L", "http://127.0.0.1:" + hopPort).awaitPort(hopPort);
        GostProcess forward = resources.gost("-L", "tcp://127.0.0.1:" + port + "/127.0.0.1:" + server.port(),
                "-F", "http://127.0.0.1:" + hopPort).awaitPort(port);

        exchange(server, port, null, forward, hop);
    }

    private static void exchange(AnswerAfterEndServer server, int port, String connectRequest,
                                 GostProcess... relays) throws Exception {
        byte[] request = Payloads.random(1024 * 1024, 7);
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            client.setSoTimeout(30_000);
            InputStream in = client.getInputStream();
            if (connectRequest != null) {
                client.getOutputStream().write(connectRequest.getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            }

            client.getOutputStream().write(request);
            client.shutdownOutput();
            byte[] answer = in.readAllBytes();
            long endOfAnswer = System.nanoTime();

            Payloads.assertSameBytes(AnswerAfterEndServer.answerFor(request), answer);
            long serverClosed = server.awaitClose();
            assertThat(Duration.ofNanos(endOfAnswer - serverClosed)).isLessThan(CLOSE_LIMIT);
            for (GostProcess relay : relays) {
                ProcessProbe probe = new ProcessProbe(relay.pid());
                Duration left = CLOSE_LIMIT.minusNanos(System.nanoTime() - serverClosed);
                ProcessProbe.awaitValue(relay.name() + " to hold no TCP connection", () -> probe.tcpConnections().size(),
                        open -> open == 0, left);
            }
            System.out.printf("[reliability] half-close through %d relay(s): %d bytes answered after the client's"
                            + " shutdown(SHUT_WR); client saw the end %d ms and gost held no connection %d ms after"
                            + " the server closed%n", relays.length, answer.length,
                    Duration.ofNanos(endOfAnswer - serverClosed).toMillis(),
                    Duration.ofNanos(System.nanoTime() - serverClosed).toMillis());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the proxy closed before answering CONNECT: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
