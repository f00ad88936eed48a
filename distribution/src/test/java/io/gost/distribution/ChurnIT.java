package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, no leaks: 100,000 connections opened and closed, half through a tcp forward and half through the
 * HTTP proxy (CONNECT), one in four of them ended by the client with a reset, and gost's open descriptors
 * and live heap come back to where they were. ({@code -Dgost.churn.connections=N} changes the number per
 * relay, e.g. for a quick check.)
 */
class ChurnIT {

    private static final int CONNECTIONS = Integer.getInteger("gost.churn.connections", 50_000);
    private static final int CLIENT_THREADS = 8;
    private static final int WARM_UP = 2_000;
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void descriptorsAndHeapReturnToTheirBaselineAfter100000ConnectionsThroughAForwardAndTheProxy() throws Exception {
        NettyEchoServer echo = resources.add(new NettyEchoServer());
        int forwardPort = resources.freePort();
        int proxyPort = resources.freePort();
        // Leak detection at Netty's default (sampling): paranoid would record a stack trace at every buffer
        // access of 200,000 connections. A leak on every connection still shows up as a LEAK report.
        GostProcess gost = resources.gostWithJavaOpts("-Dio.netty.leakDetection.level=simple",
                "-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                "-L", "http://127.0.0.1:" + proxyPort);
        gost.awaitPort(forwardPort).awaitPort(proxyPort);
        ProcessProbe probe = new ProcessProbe(gost.pid());
        String connect = "CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + echo.port() + "\r\n\r\n";

        // The first connections load classes, compile and create per-loop state (resolvers, pools).
        churn(forwardPort, null, WARM_UP);
        churn(proxyPort, connect, WARM_UP);
        int descriptorsBefore = awaitQuiet(probe);
        long heapBefore = liveHeapKiB(gost);

        long start = System.nanoTime();
        List<String> forwardFailures = churn(forwardPort, null, CONNECTIONS);
        List<String> proxyFailures = churn(proxyPort, connect, CONNECTIONS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        int descriptorsAfter = awaitQuiet(probe);
        long heapAfter = liveHeapKiB(gost);
        System.out.printf("[reliability] churn: %d connections through the forward and %d through the proxy in %d s;"
                        + " descriptors %d -> %d; live heap after GC %d KiB -> %d KiB%n", CONNECTIONS, CONNECTIONS,
                took.toSeconds(), descriptorsBefore, descriptorsAfter, heapBefore, heapAfter);
        assertThat(forwardFailures).as("connections through the forward that did not echo").isEmpty();
        assertThat(proxyFailures).as("connections through the proxy that did not echo").isEmpty();
        assertThat(descriptorsAfter).isBetween(descriptorsBefore - 10, descriptorsBefore + 10);
        assertThat(heapAfter).as("live heap after GC, KiB").isLessThan(heapBefore + 8 * 1024);
        assertThat(gost.isAlive()).isTrue();
        // 25,000 resets and 75,000 clean ends are the connections' own business: each is on its connection's
        // line, and none may become a warning that no handler took care of an event.
        // (A gost started with SIGINT ignored, e.g. under nohup, says so once; that is about the test's shell.)
        assertThat(gost.stderr().lines().filter(line -> line.contains(" WARN ") && !line.contains("SIGINT")))
                .as("warnings in gost's log").isEmpty();
    }

    /**
     * Opens and closes {@code count} connections to {@code port} on several threads; each sends
     * {@code request} first if given (and expects a 200), then a ping, and closes. One in four resets the
     * connection (SO_LINGER 0) right after sending the ping instead of reading the echo.
     *
     * @return one line for each of the others that did not get its ping back: its number, the step and how
     */
    private static List<String> churn(int port, String request, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                workers.add(clients.submit(() -> {
                    byte[] buffer = new byte[256];
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        String failure = oneConnection(port, request, i % 4 == 3, buffer);
                        if (failure != null) {
                            failures.add("#" + i + " " + failure);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        return List.copyOf(failures);
    }

    /** One connection; null when it echoed (or was reset on purpose), else what went wrong where. */
    private static String oneConnection(int port, String request, boolean reset, byte[] buffer) {
        String step = "connect";
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            String local = " from port " + socket.getLocalPort();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (request != null) {
                step = "CONNECT" + local;
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                String head = readHead(in, buffer);
                if (!head.startsWith("HTTP/1.1 200")) {
                    return step + ": answered " + (head.isEmpty() ? "nothing" : head.lines().findFirst().orElse(""));
                }
            }
            step = "ping" + local;
            out.write(PING);
            if (reset) {
                socket.setSoLinger(true, 0);
                return null;
            }
            int read = 0;
            while (read < PING.length) {
                int n = in.read(buffer, read, PING.length - read);
                if (n < 0) {
                    return step + ": end of stream after " + read + " bytes";
                }
                read += n;
            }
            return null;
        } catch (IOException e) {
            return step + ": " + e + " after " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms";
        }
    }

    private static String readHead(InputStream in, byte[] buffer) throws IOException {
        int length = 0;
        while (length < 4 || !(buffer[length - 4] == '\r' && buffer[length - 3] == '\n'
                && buffer[length - 2] == '\r' && buffer[length - 1] == '\n')) {
            int b = in.read();
            if (b < 0 || length == buffer.length) {
                return "";
            }
            buffer[length++] = (byte) b;
        }
        return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** gost's descriptors once it holds no TCP connection any more (the last closes take a moment). */
    private static int awaitQuiet(ProcessProbe probe) throws InterruptedException {
        ProcessProbe.awaitValue("gost to hold no TCP connection", () -> probe.tcpConnections().size(),
                open -> open == 0, Duration.ofSeconds(20));
        return probe.openDescriptors();
    }

    /** The heap in use right after a full collection ({@code jcmd PID GC.run}, then {@code GC.heap_info}). */
    private static long liveHeapKiB(GostProcess gost) throws Exception {
        jcmd(gost.pid(), "GC.run");
        String info = jcmd(gost.pid(), "GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        if (!used.find()) {
            throw new AssertionError("no heap use in jcmd GC.heap_info:\n" + info);
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError("jcmd " + pid + " " + command + " failed:\n" + output);
        }
        return output;
    }
}
