package io.gost.distribution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/gost} of the distribution tree built by {@code package} ({@code target/gost}), run the way a
 * user runs it. After it stops, its log must not contain a Netty buffer leak report.
 */
final class GostProcess extends ManagedProcess {

    /**
     * Small heap so that several gost processes fit beside the build on a small machine, and Netty's
     * leak detector at its strictest so that a leaked buffer shows up in the log.
     */
    static final String TEST_JAVA_OPTS = "-Xmx256m -Dio.netty.leakDetection.level=paranoid";

    private GostProcess(String name, List<String> command, Path workDir, Map<String, String> environment,
                        Path logDir) {
        super(name, command, workDir, environment, logDir);
    }

    /** The distribution directory: {@code gost.dist.dir} as set by the build, else {@code target/gost}. */
    static Path home() {
        Path home = Paths.get(System.getProperty("gost.dist.dir", "target/gost")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/gost"))) {
            throw new AssertionError("no executable " + home.resolve("bin/gost")
                    + ": build the distribution first (./mvnw -DskipTests package)");
        }
        return home;
    }

    /** The launcher script. */
    static Path launcher() {
        return home().resolve("bin/gost");
    }

    /**
     * Starts {@code launcher args...} in {@code workDir}, with {@code extraJavaOpts} appended to
     * {@link #TEST_JAVA_OPTS} in JAVA_OPTS.
     */
    static GostProcess start(String name, Path launcher, Path workDir, Path logDir, String extraJavaOpts,
                             List<String> args) {
        return start(name, launcher, workDir, logDir, extraJavaOpts, Map.of(), args);
    }

    /** As above, with {@code extraEnvironment} (e.g. JAVA_HOME) set as well. */
    static GostProcess start(String name, Path launcher, Path workDir, Path logDir, String extraJavaOpts,
                             Map<String, String> extraEnvironment, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        Map<String, String> environment = new HashMap<>(extraEnvironment);
        environment.put("JAVA_OPTS", (TEST_JAVA_OPTS + " " + extraJavaOpts).trim());
        return new GostProcess(name, command, workDir, environment, logDir);
    }

    @Override
    GostProcess awaitPort(int port) {
        super.awaitPort(port);
        return this;
    }

    @Override
    public void close() {
        super.close();
        if (output().contains("LEAK:")) {
            throw new AssertionError("Netty reported a buffer leak in " + name() + "\n" + describe());
        }
    }
}
