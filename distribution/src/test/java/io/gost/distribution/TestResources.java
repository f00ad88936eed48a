package io.gost.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything one end-to-end test starts, stopped after it whether it passed or not (last started, first
 * stopped), and a directory of its own, {@code target/e2e/<class>/<test>/}, for its files and the logs of
 * its processes, kept after the run for a look when something failed.
 *
 * <pre>{@code @RegisterExtension final TestResources resources = new TestResources();}</pre>
 */
final class TestResources implements BeforeEachCallback, AfterEachCallback {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final FreePorts freePorts = new FreePorts();
    private Path dir;
    private int processCount;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Path root = Paths.get(System.getProperty("gost.e2e.dir", "target/e2e")).toAbsolutePath();
        dir = root.resolve(context.getRequiredTestClass().getSimpleName())
                .resolve(context.getRequiredTestMethod().getName());
        deleteRecursively(dir);
        Files.createDirectories(dir);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Throwable first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception | AssertionError e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof Exception exception) {
            throw exception;
        }
        if (first != null) {
            throw (AssertionError) first;
        }
    }

    /** This test's own directory, empty at its start. */
    Path dir() {
        return dir;
    }

    /** A free loopback port for a process to listen on. */
    int freePort() {
        return freePorts.next();
    }

    /** Stops {@code resource} after the test. */
    <T extends AutoCloseable> T add(T resource) {
        started.push(resource);
        return resource;
    }

    /** Starts {@code bin/gost args...}. */
    GostProcess gost(String... args) {
        return gostWithJavaOpts("", args);
    }

    /** Starts {@code bin/gost args...} with extra JVM options in JAVA_OPTS. */
    GostProcess gostWithJavaOpts(String javaOpts, String... args) {
        return gostThrough(GostProcess.launcher(), javaOpts, args);
    }

    /** Starts {@code launcher args...}, where launcher is bin/gost or a link to it. */
    GostProcess gostThrough(Path launcher, String javaOpts, String... args) {
        return add(GostProcess.start(nextName("gost"), launcher, dir, dir, javaOpts, Arrays.asList(args)));
    }

    /** Starts {@code launcher args...} with {@code environment} (e.g. JAVA_HOME) set as well. */
    GostProcess gostWithEnvironment(Path launcher, Map<String, String> environment, String javaOpts,
                                    String... args) {
        return add(GostProcess.start(nextName("gost"), launcher, dir, dir, javaOpts, environment,
                Arrays.asList(args)));
    }

    /** Starts any other program the test needs, e.g. a third-party proxy. */
    ManagedProcess process(String name, List<String> command) {
        return process(name, command, Map.of());
    }

    /** Starts any other program the test needs with {@code environment} (e.g. JAVA_HOME) set as well. */
    ManagedProcess process(String name, List<String> command, Map<String, String> environment) {
        return add(ManagedProcess.start(nextName(name), command, dir, environment, dir));
    }

    /** Writes {@code content} to {@code fileName} in this test's directory. */
    Path write(String fileName, String content) {
        return write(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code content} to {@code fileName} in this test's directory. */
    Path write(String fileName, byte[] content) {
        try {
            return Files.write(dir.resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String nextName(String program) {
        return String.format("%02d-%s", ++processCount, program);
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(each);
            }
        }
    }
}
