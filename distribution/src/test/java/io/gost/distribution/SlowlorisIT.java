package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, slow clients: {@code slowhttptest} in slowloris mode opens 1,000 connections to gost's HTTP
 * handler and sends each an unfinished request header, a few bytes more every 10 s. The handler's header
 * timeout ({@code readTimeout}) answers each of them {@code 408} and closes it, and meanwhile a normal
 * client's CONNECT through the same gost keeps its p99 latency within twice the p99 measured before the
 * attack.
 *
 * <p>That the connections are cut off is seen three ways: slowhttptest ends before its time limit because
 * none of its connections is open any more (it reports "No open connections left"; it closes none itself),
 * it had at least half of them open at once (an attack, not a trickle), and a slow client of the test's own
 * is answered {@code 408} and closed. Without the header timeout gost holds all 1,000 until slowhttptest
 * gives up ("Hit test time limit"), and the test fails.
 *
 * <p>slowhttptest comes from the Debian package of that name. Without it the test is skipped, unless
 * {@code GOST_REQUIRE_NETNS=1} (CI), which makes the missing package a failure.
 */
class SlowlorisIT {

    private static final int SLOW_CONNECTIONS = 1_000;
    /** slowhttptest opens this many connections a second: the 1,000 are all open after 5 s. */
    private static final int SLOW_CONNECTIONS_PER_SECOND = 200;
    /**
     * The header timeout under test. As long as the ramp: the last slow connections open just as the first
     * time out, so gost holds most of the 1,000 at once (about 850 in practice), and they are all gone
     * about 10 s into the attack.
     */
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(5);
    /**
     * slowhttptest's own time limit; with the timeout in place it ends long before (10–12 s), when gost has
     * closed all. Generous because slowhttptest runs at nice 19: on a machine busy with other work it opens
     * its connections late, and the last ones then need their own 5 s before gost closes them.
     */
    private static final Duration ATTACK_LIMIT = Duration.ofSeconds(45);

    private static final int WARM_UP_CONNECTS = 500;
    /** CONNECTs per measured phase; p99 (nearest rank) of 400 is the 5th slowest: four stalls do not decide it. */
    private static final int SAMPLES = 400;
    /**
     * Samples are paced, not back to back, so that the measured phase spans the attack from its ramp to its
     * peak (400 × 20 ms = 8 s) instead of a fraction of a second; the baseline is paced alike.
     */
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(20);

    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> BINARY_DIRECTORIES = List.of("/usr/bin", "/usr/sbin", "/usr/local/bin",
            "/bin", "/sbin");

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void slowHeadersAreCutOffByTheReadTimeoutWhileConnectLatencyStaysWithinTwiceItsBaseline() throws Exception {
        String slowhttptest = slowhttptestOrSkip();
        assertDescriptorLimitAllowsTheAttack();
        NettyEchoServer echo = resources.add(new NettyEchoServer());
        int port = resources.freePort();
        // Netty's default leak detection, as in the other load tests: paranoid records a stack trace at every
        // buffer access, which is neither what users run nor good for latency figures.
        GostProcess gost = resources.gostWithJavaOpts("-Dio.netty.leakDetection.level=simple",
                "-L", "http://127.0.0.1:" + port + "?readTimeout=" + HEADER_TIMEOUT.toSeconds() + "s");
        gost.awaitPort(port);
        ProcessProbe probe = new ProcessProbe(gost.pid());
        String connect = "CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + echo.port()
                + "\r\n\r\n";
        byte[] connectRequest = connect.getBytes(StandardCharsets.US_ASCII);

        // The JIT compiles the accept, codec and relay paths over the first few hundred connections; a
        // baseline taken before that would be slow and make any attack look harmless.
        for (int i = 0; i < WARM_UP_CONNECTS; i++) {
            connectThroughGost(port, connectRequest);
        }
        long[] baseline = measure(port, connectRequest);
        int descriptorsBefore = probe.openDescriptors();

        Path stats = resources.dir().resolve("slowhttptest");
        // nice 19: a real attacker runs elsewhere, but here it shares the 2 cores with gost and the client, and
        // slowhttptest spins on up to a whole core while the server closes its connections. At the lowest
        // priority it still opens its 200 connections a second, and its own CPU use comes out of idle time
        // instead of being counted against gost.
        ManagedProcess attack = resources.process("slowhttptest", List.of("nice", "-n", "19", slowhttptest,
                "-H", "-c", Integer.toString(SLOW_CONNECTIONS), "-r", Integer.toString(SLOW_CONNECTIONS_PER_SECOND),
                "-i", "10", "-x", "24", "-s", "8192", "-t", "GET", "-u", "http://127.0.0.1:" + port + "/",
                "-p", "3", "-l", Long.toString(ATTACK_LIMIT.toSeconds()), "-g", "-o", stats.toString()));
        long attackStart = System.nanoTime();
        try (Socket ownSlowClient = connect(port)) {
            ProcessProbe.awaitValue("gost to hold 100 of slowhttptest's connections", probe::openDescriptors,
                    open -> open >= descriptorsBefore + 100, Duration.ofSeconds(10));
            // A slow client of the test's own, to see what the slow ones are answered.
            ownSlowClient.getOutputStream().write("GET http://127.0.0.1:9/ HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"
                    .getBytes(StandardCharsets.US_ASCII));

            long[] underAttack = measure(port, connectRequest);

            boolean endedInTime = awaitExit(attack,
                    ATTACK_LIMIT.plusSeconds(10).minusNanos(System.nanoTime() - attackStart));
            long attackSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - attackStart);
            int peakOpen = peakConnected(stats.resolveSibling("slowhttptest.csv"));
            Latency before = Latency.of(baseline);
            Latency during = Latency.of(underAttack);
            String figures = String.format("%,d slow connections, at most %,d open at once; slowhttptest ended after"
                            + " %d s (limit %d s); CONNECT through gost, %d samples per phase: baseline p50 %.2f ms"
                            + " p99 %.2f ms, under attack p50 %.2f ms p99 %.2f ms (p99 ratio %.2f)",
                    SLOW_CONNECTIONS, peakOpen, attackSeconds, ATTACK_LIMIT.toSeconds(), SAMPLES, before.p50Millis(),
                    before.p99Millis(), during.p50Millis(), during.p99Millis(), during.p99 / (double) before.p99);
            System.out.println("[reliability] slowloris: " + figures);
            String report = figures + "\n--- slowhttptest's end ---\n" + tail(withoutColours(attack.stdout()), 12);

            assertThat(endedInTime).as("slowhttptest ended; " + report).isTrue();
            // slowhttptest ends before its time limit only when none of its connections is open any more, and it
            // closes none itself: gost closed all 1,000.
            assertThat(report).contains("Exit status: No open connections left");
            assertThat(peakOpen).as("slowhttptest's connections open at once (an attack, not a trickle); " + report)
                    .isGreaterThanOrEqualTo(SLOW_CONNECTIONS / 2);
            ownSlowClient.setSoTimeout((int) HEADER_TIMEOUT.toMillis());
            InputStream ownIn = ownSlowClient.getInputStream();
            assertThat(readHead(ownIn)).as("the answer to an unfinished header").startsWith("HTTP/1.1 408");
            // The rest of the answer up to the end of stream: gost closes after the 408 (else the read times out).
            ownIn.readAllBytes();
            assertThat(during.p99).as("CONNECT p99 under attack, ns; " + report)
                    .isLessThanOrEqualTo(2 * before.p99);
            assertThat(gost.isAlive()).isTrue();
        } finally {
            attack.close();
        }
    }

    /** Waits up to {@code timeout} for {@code process} to end by itself; says whether it did. */
    private static boolean awaitExit(ManagedProcess process, Duration timeout) throws InterruptedException {
        Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /** Times {@link #SAMPLES} CONNECTs, one every {@link #SAMPLE_INTERVAL}; returns the nanoseconds of each. */
    private static long[] measure(int port, byte[] connectRequest) throws IOException {
        long[] samples = new long[SAMPLES];
        long start = System.nanoTime();
        for (int i = 0; i < SAMPLES; i++) {
            // Pacing against the start, not the previous sample, so that slow samples do not stretch the phase.
            long due = start + i * SAMPLE_INTERVAL.toNanos();
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long begin = System.nanoTime();
            connectThroughGost(port, connectRequest);
            samples[i] = System.nanoTime() - begin;
        }
        return samples;
    }

    /** What a normal client does: connect, CONNECT to the echo server, send a ping, read it back, close. */
    private static void connectThroughGost(int port, byte[] connectRequest) throws IOException {
        try (Socket socket = connect(port)) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(connectRequest);
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new AssertionError("CONNECT through gost was answered: " + head);
            }
            out.write(PING);
            byte[] echoed = in.readNBytes(PING.length);
            if (!Arrays.equals(echoed, PING)) {
                throw new AssertionError("expected the ping back through the tunnel, got "
                        + new String(echoed, StandardCharsets.US_ASCII));
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
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

    /** The slowhttptest executable; skips the test without it, or fails when GOST_REQUIRE_NETNS=1 (CI). */
    private static String slowhttptestOrSkip() {
        for (String directory : BINARY_DIRECTORIES) {
            File candidate = new File(directory, "slowhttptest");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        String reason = "slowhttptest is not installed (apt-get install -y slowhttptest)";
        if ("1".equals(System.getenv("GOST_REQUIRE_NETNS"))) {
            throw new AssertionError(reason + ", and GOST_REQUIRE_NETNS=1 (CI) requires this test to run:"
                    + " install it, as .ci/run does");
        }
        Assumptions.abort(reason);
        return null;
    }

    /**
     * slowhttptest inherits this process's soft limit on open files (the JVM raises its own to the hard
     * limit) and needs one descriptor per slow connection; gost's JVM raises its limit the same way.
     */
    private static void assertDescriptorLimitAllowsTheAttack() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                if (!"unlimited".equals(soft)) {
                    assertThat(Long.parseLong(soft))
                            .as("open files this test (and so slowhttptest) may have; raise `ulimit -n`")
                            .isGreaterThan(SLOW_CONNECTIONS + 100L);
                }
                return;
            }
        }
    }

    private static String withoutColours(String terminalOutput) {
        return terminalOutput.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "");
    }

    /** p50 and p99 (nearest rank) of one phase, in nanoseconds. */
    private record Latency(long p50, long p99) {
        static Latency of(long[] samples) {
            long[] sorted = samples.clone();
            Arrays.sort(sorted);
            return new Latency(rank(sorted, 0.50), rank(sorted, 0.99));
        }

        private static long rank(long[] sorted, double quantile) {
            return sorted[(int) Math.ceil(quantile * sorted.length) - 1];
        }

        double p50Millis() {
            return p50 / 1e6;
        }

        double p99Millis() {
            return p99 / 1e6;
        }
    }

    /**
     * The most connections slowhttptest had open at once, from its CSV ({@code -g}): one row a second with
     * {@code Seconds,Closed,Pending,Connected,Service Available}; -1 without the file.
     */
    private static int peakConnected(Path csv) throws IOException {
        if (!Files.exists(csv)) {
            return -1;
        }
        int peak = 0;
        for (String row : Files.readAllLines(csv)) {
            String[] fields = row.split(",");
            if (fields.length >= 4 && fields[3].matches("\\d+")) {
                peak = Math.max(peak, Integer.parseInt(fields[3]));
            }
        }
        return peak;
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
