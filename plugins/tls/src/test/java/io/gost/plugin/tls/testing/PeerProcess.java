package io.gost.plugin.tls.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real peer (openssl, stunnel ...) run by a test: its output collected, stopped (by its own process handle)
 * when closed.
 */
public final class PeerProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    private final String name;

    private PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(this::collect, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code directory}, its standard error merged into its output. */
    public static PeerProcess start(Path directory, String... command) throws IOException {
        Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectErrorStream(true).start();
        return new PeerProcess(command[0], process);
    }

    private void collect() {
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public String output() {
        return output.toString();
    }

    /** Waits until the output contains {@code text}. */
    public void awaitOutput(String text, Duration timeout) {
        Awaitility.await(name + " printing '" + text + "'").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> output.indexOf(text) >= 0 || !process.isAlive() && output.indexOf(text) >= 0);
    }

    /** Waits for the process to exit and returns its status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** Waits until something accepts connections on {@code port} of 127.0.0.1. */
    public static void awaitPort(int port, Duration timeout) {
        Awaitility.await("port " + port).atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** A port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
