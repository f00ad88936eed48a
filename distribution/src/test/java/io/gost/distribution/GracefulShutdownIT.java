package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, graceful shutdown, against the launcher as a user runs it: SIGTERM stops accepting at once,
 * open tunnels keep working for up to {@code --grace-period}, the rest are closed when it is over, and gost
 * exits 0; it exits as soon as the last tunnel has ended, and a second signal ends it at once.
 */
class GracefulShutdownIT {

    /** "At once": the listening socket is gone well within this after the signal. */
    private static final Duration STOP_ACCEPTING_LIMIT = Duration.ofSeconds(1);

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void terminateStopsAcceptingLetsOpenTunnelsWorkThenClosesThemAfterTheGracePeriodAndExitsZero() throws Exception {
        EchoServer echo = resources.add(new EchoServer());
        int port = resources.freePort();
        Duration grace = Duration.ofSeconds(4);
        GostProcess gost = resources.gost("--grace-period", grace.toSeconds() + "s",
                "-L", "tcp://127.0.0.1:" + port + "/127.0.0.1:" + echo.port()).awaitPort(port);

        try (Socket tunnel = connect(port)) {
            assertEchoes(tunnel, "before the signal");
            long signalled = System.nanoTime();
            terminate(gost);

            assertRefusedWithin(port, STOP_ACCEPTING_LIMIT, gost);
            assertEchoes(tunnel, "during the grace period");
            assertThat(gost.isAlive()).as("gost waits for the open tunnel\n%s", gost.describe()).isTrue();

            tunnel.setSoTimeout((int) grace.plusSeconds(10).toMillis());
            assertThat(readUntilEnd(tunnel.getInputStream())).as("the tunnel is closed by gost").isEqualTo(-1);
            Duration closedAfter = Duration.ofNanos(System.nanoTime() - signalled);
            assertThat(closedAfter).as("tunnel closed only when the grace period is over")
                    .isGreaterThanOrEqualTo(grace.minusMillis(500));
            assertThat(gost.awaitExit()).as(gost::describe).isZero();
            assertThat(gost.output()).as(gost::describe).contains("grace period over: closing 1 connection(s)");
        }
    }

    @Test
    void gostExitsAsSoonAsTheLastTunnelEndsInsteadOfWaitingForTheWholeGracePeriod() throws Exception {
        EchoServer echo = resources.add(new EchoServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("--grace-period", "60s",
                "-L", "tcp://127.0.0.1:" + port + "/127.0.0.1:" + echo.port()).awaitPort(port);

        long closed;
        try (Socket tunnel = connect(port)) {
            assertEchoes(tunnel, "before the signal");
            terminate(gost);
            assertRefusedWithin(port, STOP_ACCEPTING_LIMIT, gost);
            assertEchoes(tunnel, "during the grace period");
            closed = System.nanoTime();
        }

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - closed)).as("exit after the last tunnel ended")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(gost.output()).as(gost::describe).doesNotContain("grace period over");
    }

    @Test
    void aSecondSignalExitsAtOnceWithoutWaitingForOpenTunnels() throws Exception {
        EchoServer echo = resources.add(new EchoServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("--grace-period", "60s",
                "-L", "tcp://127.0.0.1:" + port + "/127.0.0.1:" + echo.port()).awaitPort(port);

        try (Socket tunnel = connect(port)) {
            assertEchoes(tunnel, "before the signal");
            terminate(gost);
            assertRefusedWithin(port, STOP_ACCEPTING_LIMIT, gost);
            assertThat(gost.isAlive()).as("the first signal waits for the open tunnel").isTrue();

            long second = System.nanoTime();
            terminate(gost);

            int exitCode = gost.awaitExit();
            assertThat(Duration.ofNanos(System.nanoTime() - second)).as("second signal ends gost at once")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(exitCode).as("not a clean drain\n%s", gost.describe()).isEqualTo(1);
            assertThat(gost.output()).as(gost::describe).contains("second SIGTERM: exiting now");
        }
    }

    /** SIGTERM to gost's JVM: the launcher execs java, so the pid is the JVM's. */
    private static void terminate(GostProcess gost) {
        ProcessHandle.of(gost.pid()).orElseThrow().destroy();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void assertEchoes(Socket tunnel, String when) throws IOException {
        byte[] line = ("ping " + when + "\n").getBytes(StandardCharsets.US_ASCII);
        OutputStream out = tunnel.getOutputStream();
        out.write(line);
        out.flush();
        InputStream in = tunnel.getInputStream();
        byte[] answer = in.readNBytes(line.length);
        assertThat(new String(answer, StandardCharsets.US_ASCII)).as("echo through the tunnel " + when)
                .isEqualTo(new String(line, StandardCharsets.US_ASCII));
    }

    /** Polls until a connection to the port is refused; fails if it is still accepted after the limit. */
    private static void assertRefusedWithin(int port, Duration limit, GostProcess gost) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Waits.until("gost to refuse connections on " + port + " after SIGTERM", limit, Duration.ofMillis(20),
                () -> !Waits.accepts(address, Duration.ofSeconds(1)), () -> false, gost::describe);
    }

    /** Reads and drops everything until end of stream or a reset; returns -1 at the end. */
    private static int readUntilEnd(InputStream in) throws IOException {
        try {
            while (in.read() != -1) {
                // nothing more is expected; keep reading until gost closes
            }
            return -1;
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }
}
