package io.gost.runtime.cli;

import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.ConfigLoader;
import io.gost.runtime.config.GostConfig;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command lines that start serving, recognised without picocli: {@code gost [-D] -L URL... [-F URL...]},
 * {@code gost [-D] -C FILE} and {@code gost [-D] run [-D] FILE}, each option and value a word of its own.
 *
 * <p>Why: picocli builds the model of all four commands from their annotations by reflection at every
 * start, from Java 5 classes that class-data sharing cannot archive: about a seventh of the time until
 * the ports accept (docs/performance.md, problem 5). A serving start needs none of it.
 *
 * <p>Only what picocli would certainly accept, and read the same way, is recognised here; anything else
 * (help, {@code -V}, {@code -O}, {@code check}, {@code plugins}, {@code --grace-period}, {@code --plugins},
 * {@code -L=URL}, clustered or repeated flags, {@code @files}, values that look like options or command
 * names, picocli's own system properties, every mistake) goes to picocli, so its usage, help and error
 * messages are what the user sees. What runs is what picocli would run: {@link Serving#serve} with the
 * default grace period and no extra plugin directories, and a failure is reported the same way.
 */
final class QuickStart {

    private static final Set<String> COMMAND_NAMES = Set.of("run", "check", "plugins");

    private final List<String> services;
    private final List<String> nodes;
    private final Path configFile;
    private final boolean debug;

    private QuickStart(List<String> services, List<String> nodes, Path configFile, boolean debug) {
        this.services = services;
        this.nodes = nodes;
        this.configFile = configFile;
        this.debug = debug;
    }

    /** The start these arguments ask for, or empty when picocli should read them. */
    static Optional<QuickStart> recognise(String... args) {
        if (System.getProperties().stringPropertyNames().stream().anyMatch(name -> name.startsWith("picocli."))) {
            return Optional.empty();
        }
        List<String> services = new ArrayList<>();
        List<String> nodes = new ArrayList<>();
        List<String> configFiles = new ArrayList<>();
        int debugFlags = 0;
        boolean run = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-D") || arg.equals("--debug")) {
                debugFlags++;
            } else if (arg.equals("run") && !run && services.isEmpty() && nodes.isEmpty() && configFiles.isEmpty()) {
                run = true;
            } else if (run && isPlainValue(arg)) {
                configFiles.add(arg);
            } else if (!run && (arg.equals("-L") || arg.equals("-F") || arg.equals("-C"))
                    && i + 1 < args.length && isPlainValue(args[i + 1])) {
                String value = args[++i];
                (arg.equals("-L") ? services : arg.equals("-F") ? nodes : configFiles).add(value);
            } else {
                return Optional.empty();
            }
        }
        boolean commandLineServices = !services.isEmpty() && configFiles.isEmpty();
        boolean oneConfigFile = services.isEmpty() && nodes.isEmpty() && configFiles.size() == 1;
        if (debugFlags > 1 || !(run ? oneConfigFile : commandLineServices || oneConfigFile)) {
            return Optional.empty();
        }
        Path configFile = null;
        if (!configFiles.isEmpty()) {
            try {
                configFile = Path.of(configFiles.get(0));
            } catch (InvalidPathException e) {
                return Optional.empty(); // picocli's message for a value it cannot convert
            }
        }
        return Optional.of(new QuickStart(List.copyOf(services), List.copyOf(nodes), configFile, debugFlags == 1));
    }

    /** A value picocli takes as it is: not empty, not an option, an {@code @file} or a command name. */
    private static boolean isPlainValue(String arg) {
        return !arg.isEmpty() && !arg.startsWith("-") && !arg.startsWith("@") && !COMMAND_NAMES.contains(arg);
    }

    /** Starts serving; returns {@link GostCommand#KEEP_RUNNING}, or the exit code of a failure it reported. */
    int start() {
        return start(stderr());
    }

    /** {@link #start()}, reporting a failure to {@code err}. */
    int start(PrintWriter err) {
        try {
            GostConfig config = configFile != null ? ConfigLoader.load(configFile)
                    : new CommandLineParser().parse(services, nodes);
            return Serving.serve(config, new PluginOptions(), Serving.gracePeriod(Serving.DEFAULT_GRACE_PERIOD));
        } catch (Exception e) {
            return Serving.reportFailure(err, e, debug);
        }
    }

    /** stderr as picocli writes to it: in {@code sun.stderr.encoding} if set, else the default charset. */
    private static PrintWriter stderr() {
        Charset charset = Charset.defaultCharset();
        String encoding = System.getProperty("sun.stderr.encoding");
        if (encoding != null) {
            try {
                charset = Charset.forName(encoding.equalsIgnoreCase("cp65001") ? "UTF-8" : encoding);
            } catch (RuntimeException e) {
                // picocli falls back to the default charset too
            }
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.err, charset)), true);
    }

    List<String> services() {
        return services;
    }

    List<String> nodes() {
        return nodes;
    }

    Optional<Path> configFile() {
        return Optional.ofNullable(configFile);
    }

    boolean debug() {
        return debug;
    }
}
