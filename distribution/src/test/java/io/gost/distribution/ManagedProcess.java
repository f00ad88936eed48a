package io.gost.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process a test started (bin/gost, tinyproxy, squid): stdout and stderr go to files so that a failure
 * can show them, and {@link #close()} stops exactly this process by its pid, first politely, then
 * forcibly.
 */
class ManagedProcess implements AutoCloseable {

    /** How long a process may take to accept on its port, or to exit when a test expects it to. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** How long {@link #close()} waits after SIGTERM before SIGKILL. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** Proxy settings in the environment would send curl, or a JVM, somewhere other than the test asks. */
    private static final List<String> PROXY_VARIABLES = List.of("http_proxy", "https_proxy", "all_proxy",
            "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "JAVA_TOOL_OPTIONS");

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;

    protected ManagedProcess(String name, List<String> command, Path workDir, Map<String, String> environment,
                             Path logDir) {
        this.name = name;
        this.command = List.copyOf(command);
        this.stdoutFile = logDir.resolve(name + ".stdout.log");
        this.stderrFile = logDir.resolve(name + ".stderr.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(stdoutFile.toFile())
                .redirectError(stderrFile.toFile());
        PROXY_VARIABLES.forEach(builder.environment()::remove);
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(logDir);
            this.process = builder.start();
            // Nothing is ever typed into these processes; an immediate EOF keeps `-C -` from waiting.
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** Starts {@code command}; its output goes to {@code logDir/name.stdout.log} and {@code .stderr.log}. */
    static ManagedProcess start(String name, List<String> command, Path workDir, Map<String, String> environment,
                                Path logDir) {
        return new ManagedProcess(name, command, workDir, environment, logDir);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdoutFile);
    }

    String stderr() {
        return read(stderrFile);
    }

    /** stdout followed by stderr, for assertions that do not care which stream a message went to. */
    String output() {
        return stdout() + stderr();
    }

    /** Everything a failure message needs: the command, the exit code if any, and both streams. */
    String describe() {
        String state = process.isAlive() ? "running" : "exited with code " + process.exitValue();
        return name + " (pid " + process.pid() + ", " + state + "): " + String.join(" ", command)
                + "\n--- stdout (" + stdoutFile + ") ---\n" + stdout()
                + "\n--- stderr (" + stderrFile + ") ---\n" + stderr();
    }

    /**
     * Waits until something accepts TCP connections on 127.0.0.1:{@code port}. Fails at once, with the
     * log, if the process exits first, and after {@link #START_TIMEOUT} if it never accepts.
     */
    ManagedProcess awaitPort(int port) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Waits.until(name + " to accept on 127.0.0.1:" + port, START_TIMEOUT,
                () -> Waits.accepts(address, Duration.ofMillis(200)), () -> !process.isAlive(), this::describe);
        return this;
    }

    /** Waits for the process to end by itself and returns its exit code; fails with the log if it does not. */
    int awaitExit() {
        return awaitExit(START_TIMEOUT);
    }

    /** {@link #awaitExit()} for a process that may take longer than a start, such as bin/gost-cds. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("expected " + name + " to exit within " + timeout.toSeconds()
                        + " s\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
        return process.exitValue();
    }

    /** The exit code of a process that has ended. */
    int exitCode() {
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_GRACE}; only this process, by its pid. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }
}
