package io.gost.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real curl, as a user would run it against the proxy. */
final class Curl {

    private Curl() {
    }

    /**
     * The outcome of one curl run.
     *
     * @param exitCode    curl's exit code (0 = transfer done, whatever the HTTP status)
     * @param status      the final HTTP status, 0 if there was none
     * @param connectCode the status of the proxy's answer to CONNECT, 0 without {@code -p}
     * @param body        the response body
     * @param stderr      curl's error messages
     */
    record Result(int exitCode, int status, int connectCode, String body, String stderr) {
        @Override
        public String toString() {
            return "curl exit " + exitCode + ", HTTP " + status + ", CONNECT " + connectCode + ", body <" + body
                    + ">, stderr <" + stderr + ">";
        }
    }

    /** Runs {@code curl -sS --max-time 20 args...} in {@code dir}, without any proxy from the environment. */
    static Result run(Path dir, String... args) {
        Path body = dir.resolve("curl-body-" + System.nanoTime());
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20",
                "-o", body.toString(), "-w", "%{http_code} %{http_connect}"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(name -> name.toLowerCase().endsWith("_proxy"));
        Process process = null;
        try {
            process = builder.start();
            process.getOutputStream().close();
            // curl's output is a few bytes; reading it to the end cannot block on a full pipe.
            String codes = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("curl did not finish: " + command);
            }
            String[] parts = codes.split(" ");
            String text = Files.exists(body) ? Files.readString(body, StandardCharsets.UTF_8) : "";
            return new Result(process.exitValue(), parseCode(parts, 0), parseCode(parts, 1), text, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run curl (apt-get install -y curl): " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running curl", e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    private static int parseCode(String[] parts, int index) {
        try {
            return index < parts.length ? Integer.parseInt(parts[index]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
