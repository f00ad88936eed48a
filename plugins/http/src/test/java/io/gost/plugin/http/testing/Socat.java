package io.gost.plugin.http.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code socat} (Debian package {@code socat}) listening on an ephemeral port of 127.0.0.1 and running
 * a command per connection, as a scripted peer. The port is the one socat reports in its own log line, so
 * there is no race for a free port and no polling. Only the process this object started is ever stopped.
 */
public final class Socat implements AutoCloseable {

    public static final Path EXECUTABLE = Path.of("/usr/bin/socat");

    private static final Pattern LISTENING = Pattern.compile("listening on AF=\\d+ [^ ]*:(\\d+)");

    private final Process process;
    private final int port;

    /** Starts {@code socat TCP-LISTEN:0,bind=127.0.0.1,fork EXEC:command} ({@code command} split on spaces). */
    public Socat(String command) throws Exception {
        process = new ProcessBuilder(EXECUTABLE.toString(), "-d", "-d",
                "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "EXEC:" + command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader log = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = log.readLine()) != null; ) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        listening.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
                listening.completeExceptionally(new IOException("socat exited before listening"));
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
        }, "socat-log");
        reader.setDaemon(true);
        reader.start();
        try {
            port = listening.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
