package io.gost.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI tarball Jib built (target/gost-image.tar), used as a container runtime would: its layers unpacked
 * in order into a root file system, its entry point run there with chroot as the image's user, in a mount
 * namespace of its own with /proc and /dev mounted (the dynamic loader finds the JVM's libraries through
 * /proc/self/exe). No container daemon is needed, but chroot, mounts and the network namespace need root:
 * without it the tests are skipped, unless {@code GOST_REQUIRE_NETNS=1} (as in CI), which turns the skip into
 * a failure. ({@code typesafe-config}, which reads the image's JSON here, is gost-runtime's.)
 */
class ImageIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    private static Path root;
    private static Config imageConfig;

    @BeforeAll
    static void unpackTheImage() throws Exception {
        Path tarball = Path.of(System.getProperty("gost.image.tar"));
        Path layout = work.resolve("layout");
        Files.createDirectories(layout);
        run(List.of("tar", "-xf", tarball.toString(), "-C", layout.toString()));
        Config index = json(layout.resolve("index.json"));
        Config manifest = json(blob(layout, index.getConfigList("manifests").get(0).getString("digest")));
        imageConfig = json(blob(layout, manifest.getString("config.digest")));
        root = work.resolve("root");
        Files.createDirectories(root);
        for (Config layer : manifest.getConfigList("layers")) {
            assertThat(layer.getString("mediaType")).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            // Jib's layers carry a libarchive header GNU tar does not know; it is a timestamp, of no concern here.
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", blob(layout, layer.getString("digest")).toString(),
                    "-C", root.toString()));
        }
        // Where a container runtime mounts /proc and /dev; the image has neither directory.
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
    }

    @Test
    void runsAsANonRootUserWithTheExampleConfigurationAsItsArguments() {
        assertThat(imageConfig.getString("config.User")).isEqualTo("65532:65532");
        assertThat(imageConfig.getStringList("config.Cmd")).containsExactly("-C", "/etc/gost/gost.yaml");
        assertThat(root.resolve("etc/gost/gost.yaml")).hasSameTextualContentAs(
                Path.of(System.getProperty("gost.examples.dir"), "k8s", "gost.yaml"));
    }

    @Test
    void carriesTheJarsOfTheDistribution() throws IOException {
        // The image keeps every jar on its module path, lib/grpc/'s too (bin/gost loads those as a layer when a
        // gRPC plugin is used: the image's entry point has no bin/gost).
        try (var image = Files.list(root.resolve("app/libs"));
             var distribution = Files.walk(Path.of(System.getProperty("gost.dist.dir"), "lib"), 2)) {
            List<String> distributed = distribution.map(jar -> jar.getFileName().toString())
                    .filter(name -> name.endsWith(".jar")).sorted().toList();

            assertThat(distributed).contains("gost-runtime-" + System.getProperty("gost.version") + ".jar");
            assertThat(image.map(jar -> jar.getFileName().toString()).sorted().toList()).isEqualTo(distributed);
        }
    }

    @Test
    void itsEntryPointPrintsTheVersionAsTheImagesUser() throws Exception {
        requireRoot();

        Result result = run(chroot(List.of("-V")));

        assertThat(result.exitCode()).as(result::describe).isZero();
        assertThat(result.output()).as(result::describe).contains(System.getProperty("gost.version"));
    }

    @Test
    void servesTheExampleConfigurationAndAnswersTheProbesOnHealth() throws Exception {
        requireRoot();
        String namespace = "gost-image-" + UUID.randomUUID().toString().substring(0, 8);
        if (run(List.of("ip", "netns", "add", namespace)).exitCode() != 0) {
            skip("`ip netns add " + namespace + "` failed");
        }
        Process gost = null;
        Path log = work.resolve("gost-in-image.log");
        try {
            run(List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
            // The image's own entry point and arguments (Cmd), as the Deployment in examples/k8s runs it.
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            command.addAll(chroot(imageConfig.getStringList("config.Cmd")));
            gost = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();

            String health = awaitHealth(namespace, gost, log);

            assertThat(health).as(() -> read(log)).isEqualTo("200");
        } finally {
            if (gost != null) {
                gost.destroy();
                if (!gost.waitFor(10, TimeUnit.SECONDS)) {
                    gost.destroyForcibly();
                }
            }
            run(List.of("ip", "netns", "delete", namespace));
        }
        assertThat(gost.exitValue()).as(() -> "gost stops with 0 on SIGTERM:\n" + read(log)).isZero();
    }

    /** The status code of GET /health on the metrics port, once something answers there. */
    private static String awaitHealth(String namespace, Process gost, Path log) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            assertThat(gost.isAlive()).as(() -> "gost exited:\n" + read(log)).isTrue();
            // curl waits up to a second for the connection and retries refused ones: this paces the loop.
            Result probe = run(List.of("ip", "netns", "exec", namespace, "curl", "-s", "-o", "/dev/null",
                    "-w", "%{http_code}", "--retry", "1", "--retry-connrefused", "--retry-delay", "1",
                    "--max-time", "5", "http://127.0.0.1:9000/health"));
            if (probe.exitCode() == 0) {
                return probe.output().trim();
            }
        }
        throw new AssertionError("nothing answered on :9000 within " + TIMEOUT + ":\n" + read(log));
    }

    /**
     * The image's entry point with {@code arguments}, as its user, in its root, with /proc and /dev mounted in a
     * mount namespace of its own (gone with the process). Every step execs the next: the process started is gost.
     */
    private static List<String> chroot(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t proc proc \"$0/proc\" && mount --rbind /dev \"$0/dev\" && exec chroot --userspec="
                        + imageConfig.getString("config.User") + " \"$0\" \"$@\"",
                root.toString()));
        command.addAll(imageConfig.getStringList("config.Entrypoint"));
        command.addAll(arguments);
        return command;
    }

    private static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            skip("running the image's entry point with chroot needs root");
        }
    }

    private static void skip(String reason) {
        if ("1".equals(System.getenv("GOST_REQUIRE_NETNS"))) {
            throw new AssertionError(reason + ", and GOST_REQUIRE_NETNS=1 requires these tests to run");
        }
        Assumptions.abort(reason);
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static Config json(Path file) throws IOException {
        return ConfigFactory.parseString(Files.readString(file));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private record Result(List<String> command, int exitCode, String output) {
        String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
        }
        return new Result(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
