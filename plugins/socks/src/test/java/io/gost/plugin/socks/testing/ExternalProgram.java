package io.gost.plugin.socks.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Runs third-party programs for tests: one-shot commands (curl) with a deadline, and servers (danted,
 * microsocks) that are stopped by pid, with the processes they forked, when the test ends. A program
 * that is not installed fails the test with the Debian package to install.
 */
public final class ExternalProgram {

    private ExternalProgram() {
    }

    /** What a finished command produced. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Fails with the package to install when {@code program} is not on the PATH. */
    public static Path require(String program, String debianPackage) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            for (String base : new String[] {directory, "/usr/sbin", "/sbin"}) {
                Path candidate = Path.of(base, program);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError(program + " is not installed; these tests need it as a real peer: "
                + "apt-get install -y " + debianPackage);
    }

    /** Runs a command to completion (at most {@code timeout}) and returns its output. */
    public static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("gost-socks-test-", ".out");
        Path err = Files.createTempFile("gost-socks-test-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A free TCP port on 127.0.0.1 (free when asked; a server started right after normally gets it). */
    public static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    /** A server process, stopped by {@link #close}. */
    public static final class Server implements AutoCloseable {

        private final Process process;
        private final Path log;
        private final String name;

        private Server(Process process, Path log, String name) {
            this.process = process;
            this.log = log;
            this.name = name;
        }

        /**
         * Starts {@code command}, its output going to a temporary log, and waits until it accepts TCP
         * connections on 127.0.0.1:{@code port}.
         */
        public static Server start(int port, Duration startTimeout, String... command)
                throws IOException, InterruptedException {
            Path log = Files.createTempFile("gost-socks-test-" + Path.of(command[0]).getFileName(), ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            Server server = new Server(process, log, String.join(" ", command));
            // A process we do not control: no future to wait on, so its port is polled.
            try {
                Awaitility.await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                        .atMost(startTimeout)
                        .failFast(() -> !process.isAlive())
                        .until(() -> accepts(port));
                return server;
            } catch (TerminalFailureException exited) {
                String output = server.output();
                server.close();
                throw new AssertionError("exited with " + process.exitValue() + " before listening on port " + port
                        + "; " + output);
            } catch (ConditionTimeoutException late) {
                String output = server.output();
                server.close();
                throw new AssertionError("did not listen on port " + port + " within " + startTimeout + "; " + output);
            }
        }

        private static boolean accepts(int port) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }

        /** What it wrote so far, for failure messages. */
        public String output() {
            try {
                return name + " wrote:\n" + Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return name + ": cannot read its log " + log + ": " + e.getMessage();
            }
        }

        /** Stops it (SIGTERM, then SIGKILL after 5 s) and the processes it forked, by pid. */
        @Override
        public void close() throws IOException {
            List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            for (ProcessHandle child : descendants) {
                child.destroy();
                try {
                    child.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    child.destroyForcibly();
                }
            }
            Files.deleteIfExists(log);
        }
    }
}
