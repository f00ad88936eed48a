package io.gost.distribution;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reloading a running gost as an operator does: SIGHUP (and {@code -R}) re-read the file and apply what
 * changed; a broken file is reported with file and line and changes nothing; SIGUSR1 reopens the log file
 * logrotate moved away.
 */
class ReloadIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void sighupAppliesTheChangedFileWhileOpenTunnelsGoOn() throws Exception {
        Greeter red = resources.add(new Greeter("red"));
        Greeter blue = resources.add(new Greeter("blue"));
        int port = resources.freePort();
        Path config = resources.write("gost.yaml", forward(port, red));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);

        try (Socket open = connect(port)) {
            assertThat(line(open)).isEqualTo("red");
            Files.writeString(config, forward(port, blue));
            signal(gost, "HUP");

            waitFor(gost, "new connections to reach the changed target", () -> greeting(port).equals("blue"));
            assertThat(gost.isAlive()).as(gost::describe).isTrue();
            assertThat(echo(open, "still open")).isEqualTo("still open");
            waitFor(gost, "the SIGHUP line", () -> gost.output().contains("SIGHUP: configuration applied"));
            assertThat(gost.output()).as(gost::describe).contains("0 kept, 0 added, 1 replaced, 0 removed");
        }
    }

    /** GOST reloads on SIGHUP even under nohup; a JVM started with the signal ignored would drop it silently. */
    @Test
    void sighupReloadsEvenWhenGostWasStartedWithTheSignalIgnoredAsUnderNohup() throws Exception {
        Greeter red = resources.add(new Greeter("red"));
        Greeter blue = resources.add(new Greeter("blue"));
        int port = resources.freePort();
        Path config = resources.write("gost.yaml", forward(port, red));
        // What nohup does: SIGHUP ignored, which exec passes on to bin/gost and the JVM.
        Path nohupLike = resources.write("ignoring-hup.sh", "#!/bin/sh\ntrap '' HUP\nexec '"
                + GostProcess.launcher() + "' \"$@\"\n");
        assertThat(nohupLike.toFile().setExecutable(true)).isTrue();
        GostProcess gost = resources.gostThrough(nohupLike, "", "-C", config.toString()).awaitPort(port);
        assertThat(greeting(port)).isEqualTo("red");

        Files.writeString(config, forward(port, blue));
        signal(gost, "HUP");

        waitFor(gost, "new connections to reach the changed target", () -> greeting(port).equals("blue"));
        assertThat(gost.output()).as(gost::describe).doesNotContain("was ignored when gost started");
    }

    @Test
    void aBrokenFileIsReportedWithItsLineAndTheRunningConfigurationGoesOn() throws Exception {
        Greeter red = resources.add(new Greeter("red"));
        int port = resources.freePort();
        Path config = resources.write("gost.yaml", forward(port, red));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);

        Files.writeString(config, forward(port, red).replace("type: tcp", "type: tcpp"));
        signal(gost, "HUP");

        waitFor(gost, "the reload's error in the log", () -> gost.output().contains("SIGHUP: the new configuration was not applied"));
        assertThat(gost.output()).as(gost::describe).contains(config + ":4: services[0].handler.type")
                .contains("unknown handler type 'tcpp'");
        assertThat(greeting(port)).isEqualTo("red");
        assertThat(gost.isAlive()).isTrue();
    }

    @Test
    void dashRReloadsTheFileWhenItsContentChanges() throws Exception {
        Greeter red = resources.add(new Greeter("red"));
        Greeter blue = resources.add(new Greeter("blue"));
        int port = resources.freePort();
        Path config = resources.write("gost.yaml", forward(port, red));
        GostProcess gost = resources.gost("-C", config.toString(), "-R", "200ms").awaitPort(port);

        Files.writeString(config, forward(port, blue));

        waitFor(gost, "-R to apply the changed file", () -> greeting(port).equals("blue"));
        // The new service serves from the moment it takes the socket over; the line comes when the apply ends.
        waitFor(gost, "the -R line", () -> gost.output().contains("-R: configuration applied"));
    }

    @Test
    void logsGoToTheConfiguredFileAndSigusr1ReopensItAfterLogrotateMovedIt() throws Exception {
        Greeter red = resources.add(new Greeter("red"));
        int port = resources.freePort();
        Path logFile = resources.dir().resolve("logs/gost.log");
        Path config = resources.write("gost.yaml", forward(port, red) + "log:\n  output: " + logFile + "\n");
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);
        greeting(port);
        waitFor(gost, "the connection line in the log file", () -> Files.exists(logFile) && Files.readString(logFile).contains("service=forward"));
        assertThat(gost.output()).doesNotContain("service=forward");

        Path rotated = logFile.resolveSibling("gost.log.1");
        Files.move(logFile, rotated);
        signal(gost, "USR1");
        waitFor(gost, "a new log file", () -> Files.exists(logFile));
        greeting(port);

        waitFor(gost, "the next connection in the new file", () -> Files.readString(logFile).contains("service=forward"));
        assertThat(Files.readString(rotated)).contains("SIGUSR1: reopening log files");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static void waitFor(GostProcess gost, String what, java.util.concurrent.Callable<Boolean> done) {
        Waits.until(what, Duration.ofSeconds(10), Duration.ofMillis(50), done, () -> !gost.isAlive(), gost::describe);
    }

    private static String forward(int port, Greeter target) {
        return "services:\n"
                + "  - name: forward\n"
                + "    addr: 127.0.0.1:" + port + "\n"
                + "    handler: {type: tcp}\n"
                + "    listener: {type: tcp}\n"
                + "    forwarder: {nodes: [{name: target, addr: 127.0.0.1:" + target.port() + "}]}\n";
    }

    /** A signal to gost's JVM: the launcher execs java, so the pid is the JVM's. */
    static void signal(GostProcess gost, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(gost.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static String greeting(int port) throws IOException {
        try (Socket socket = connect(port)) {
            return line(socket);
        }
    }

    private static String echo(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((text + "\n").getBytes(US_ASCII));
        out.flush();
        return line(socket);
    }

    private static String line(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("closed after '" + line + "'");
            }
            line.append((char) c);
        }
        return line.toString();
    }

    /** Greets each connection with its name and a newline, then echoes lines. */
    static final class Greeter implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool();

        Greeter(String name) throws IOException {
            server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        threads.execute(() -> {
                            try (socket) {
                                OutputStream out = socket.getOutputStream();
                                out.write((name + "\n").getBytes(US_ASCII));
                                out.flush();
                                socket.getInputStream().transferTo(out);
                            } catch (IOException e) {
                                // the client went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
