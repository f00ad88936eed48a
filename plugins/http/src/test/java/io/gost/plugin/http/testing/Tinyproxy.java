package io.gost.plugin.http.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real tinyproxy (Debian package {@code tinyproxy}) in the foreground on 127.0.0.1, as a third-party
 * peer. Only the process this object started is ever stopped, through its own handle.
 */
public final class Tinyproxy implements AutoCloseable {

    public static final Path EXECUTABLE = Path.of("/usr/bin/tinyproxy");

    private final Process process;
    private final Path directory;
    private final int port;

    /**
     * Starts tinyproxy allowing CONNECT to any port.
     *
     * @param basicAuth {@code "user password"} to require, or null for none
     */
    public Tinyproxy(String basicAuth) throws IOException, InterruptedException {
        directory = Files.createTempDirectory("tinyproxy");
        port = freePort();
        String config = "Port " + port + "\n"
                + "Listen 127.0.0.1\n"
                + "Timeout 30\n"
                + "MaxClients 16\n"
                + "Allow 127.0.0.1\n"
                + "LogLevel Warning\n"
                + "LogFile \"" + directory.resolve("tinyproxy.log") + "\"\n"
                + (basicAuth != null ? "BasicAuth " + basicAuth + "\n" : "");
        Path configFile = directory.resolve("tinyproxy.conf");
        Files.writeString(configFile, config, StandardCharsets.US_ASCII);
        process = new ProcessBuilder(EXECUTABLE.toString(), "-d", "-c", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("stdout.txt").toFile())
                .start();
        awaitListening();
    }

    public int port() {
        return port;
    }

    private void awaitListening() throws IOException, InterruptedException {
        // A process gives no event when its socket is ready, so poll briefly, bounded to 5 s.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("tinyproxy exited with " + process.exitValue() + ": "
                        + Files.readString(directory.resolve("stdout.txt")));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        close();
        throw new IOException("tinyproxy did not listen on 127.0.0.1:" + port + " within 5 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
