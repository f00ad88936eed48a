package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, bounded memory on garbage: 150 MB of random bytes, or one header line that never ends, sent to
 * the HTTP listener are answered with 400/431 and the connection is closed, while gost's resident memory
 * grows by less than 16 MiB (GOST kept 300 MB after 150 MB of garbage).
 */
class GarbageIT {

    private static final long GARBAGE_BYTES = 150L * 1024 * 1024;
    /**
     * A first, smaller flood of the same kind before the baseline is taken: the JIT compiles the decoder's
     * paths and the JVM touches its first heap regions once per process, whatever the input size. What the
     * test is after is memory that grows with the garbage (GOST buffered all of it).
     */
    private static final long WARM_UP_BYTES = 16L * 1024 * 1024;
    private static final long RSS_GROWTH_LIMIT = 16L * 1024 * 1024;

    @RegisterExtension
    final TestResources resources = new TestResources();

    private GostProcess gost;
    private int port;
    private ProcessProbe probe;

    @BeforeEach
    void startProxy() throws Exception {
        port = resources.freePort();
        // Memory is measured as users run gost: the paranoid leak detector of the other tests records a stack
        // trace at every buffer access, and that heap churn alone grows the young generation by ~16 MB.
        // Leaks on these paths are the fuzz tests' business (EmbeddedChannel, paranoid).
        gost = resources.gostWithJavaOpts("-Dio.netty.leakDetection.level=simple", "-L", "http://127.0.0.1:" + port)
                .awaitPort(port);
        probe = new ProcessProbe(gost.pid());
        // Loads the HTTP codec's classes and touches the buffer pools, as any first client would.
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(statusOf(readHead(socket.getInputStream()))).isEqualTo(400);
        }
    }

    @Test
    void randomBytesAreAnswered400AndClosedAndMemoryStaysBounded() throws Exception {
        Random random = new Random(150);
        flood(chunk -> random.nextBytes(chunk), null, WARM_UP_BYTES);

        Outcome outcome = flood(chunk -> random.nextBytes(chunk), null, GARBAGE_BYTES);

        assertThat(outcome.status).as(outcome::toString).isEqualTo(400);
        assertThat(outcome.rssGrowth).as(outcome::toString).isLessThan(RSS_GROWTH_LIMIT);
        System.out.println("[reliability] random garbage: " + outcome);
    }

    @Test
    void anEndlessHeaderLineIsAnswered431AndClosedAndMemoryStaysBounded() throws Exception {
        byte[] head = "GET http://127.0.0.1:9/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: "
                .getBytes(StandardCharsets.US_ASCII);

        flood(chunk -> Arrays.fill(chunk, (byte) 'a'), head, WARM_UP_BYTES);

        Outcome outcome = flood(chunk -> Arrays.fill(chunk, (byte) 'a'), head, GARBAGE_BYTES);

        assertThat(outcome.status).as(outcome::toString).isEqualTo(431);
        assertThat(outcome.rssGrowth).as(outcome::toString).isLessThan(RSS_GROWTH_LIMIT);
        System.out.println("[reliability] endless header line: " + outcome);
    }

    /** What one flood did. */
    private record Outcome(int status, long sent, long rssBefore, long rssAfter, long rssGrowth, long closedAfterMillis) {
        @Override
        public String toString() {
            return "status " + status + ", " + sent / (1024 * 1024) + " MiB sent before gost closed, RSS "
                    + rssBefore / 1024 + " KiB -> " + rssAfter / 1024 + " KiB (growth " + rssGrowth / 1024
                    + " KiB), closed " + closedAfterMillis + " ms after the answer";
        }
    }

    private interface Filler {
        void fill(byte[] chunk);
    }

    /**
     * Sends {@code head} and then up to {@code bytes} of what {@code filler} makes, while reading the answer;
     * returns once gost has answered and closed the connection.
     */
    private Outcome flood(Filler filler, byte[] head, long bytes) throws Exception {
        long rssBefore = probe.residentBytes();
        AtomicLong sent = new AtomicLong();
        try (Socket socket = connect()) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    if (head != null) {
                        out.write(head);
                    }
                    while (sent.get() < bytes) {
                        filler.fill(chunk);
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException closedByGost) {
                    // expected: gost answers and closes long before 150 MB
                }
            });
            InputStream in = socket.getInputStream();
            int status = statusOf(readHead(in));
            long answered = System.nanoTime();
            drainUntilClosed(in);
            long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
            writer.get(60, TimeUnit.SECONDS);
            // Look at memory once gost has let go of the connection, not while it is still closing it.
            ProcessProbe.awaitValue("gost to hold no TCP connection", () -> probe.tcpConnections().size(),
                    open -> open == 0, Duration.ofSeconds(10));
            long rssAfter = probe.residentBytes();
            return new Outcome(status, sent.get(), rssBefore, rssAfter, rssAfter - rssBefore, closedAfterMillis);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
    }

    private static void drainUntilClosed(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // the rest of the error body
            }
        } catch (IOException reset) {
            // gost closed with unread garbage in its buffer: the kernel resets, which is a close too
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed without an answer; got '" + head + "'");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int statusOf(String head) {
        return Integer.parseInt(head.split(" ", 3)[1]);
    }
}
