package io.gost.runtime.cli;

import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.PlanDescription;
import io.gost.runtime.plan.Planner;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.ConfigLoader;
import io.gost.runtime.config.ConfigWriter;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.registry.PluginEntry;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginLayers;
import io.gost.runtime.registry.PluginRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gost}: GOST's own flags ({@code -L}, {@code -F}, {@code -C}, {@code -O}, {@code -D}, {@code -V})
 * and the subcommands {@code run}, {@code check} and {@code plugins}.
 *
 * <p>Exit codes: 0 success, 1 a failure while starting (address in use, namespace missing), 2 a usage or
 * configuration error.
 */
@Command(name = "gost", mixinStandardHelpOptions = false, sortOptions = false,
        description = {"GOST tunnels and proxies (gost-java).",
                "  gost -L http://:8080                      an HTTP proxy",
                "  gost -L tcp://:8000/127.0.0.1:9000        forward port 8000 to 127.0.0.1:9000",
                "  gost -L tcp://:8000/host:80 -F http://proxy:3128   ... through a proxy",
                "  gost run app.conf | app.yaml              run a configuration file"},
        subcommands = {GostCommand.Run.class, GostCommand.Check.class, GostCommand.Plugins.class})
public final class GostCommand implements Callable<Integer> {

    /** Returned by commands that keep serving after {@code main} returns. */
    public static final int KEEP_RUNNING = -1;
    static final int OK = 0;
    static final int START_FAILED = 1;
    static final int USAGE = 2;

    @Option(names = "-L", paramLabel = "URL", description = "a service, e.g. http://:8080 or tcp://:8000/host:port (repeatable)")
    List<String> services = new ArrayList<>();

    @Option(names = "-F", paramLabel = "URL", description = "a hop of the chain, e.g. http://user:pass@proxy:3128 (repeatable)")
    List<String> nodes = new ArrayList<>();

    @Option(names = "-C", paramLabel = "FILE", description = "a configuration file (.yaml, .yml, .conf, .json; - for YAML on stdin)")
    Path configFile;

    @Option(names = "-O", paramLabel = "FORMAT", description = "print the configuration as yaml or json and exit")
    String outputFormat;

    @Option(names = {"-D", "--debug"}, description = "debug logging, and stack traces with errors")
    boolean debug;

    @Option(names = "--grace-period", paramLabel = "DURATION", defaultValue = Serving.DEFAULT_GRACE_PERIOD,
            description = "on SIGTERM/SIGINT, how long open connections may finish (default ${DEFAULT-VALUE})")
    String gracePeriod;

    @Option(names = {"-V", "--version"}, description = "print the version and exit")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @CommandLine.Mixin
    PluginOptions plugins = new PluginOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Parses and runs {@code args} with picocli; returns the exit code, or {@link #KEEP_RUNNING} when serving. */
    static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line, with errors printed for a shell user rather than as stack traces. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new GostCommand());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            boolean debug = parseResult.hasMatchedOption("-D")
                    || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("-D"));
            return Serving.reportFailure(line.getErr(), exception, debug);
        });
        commandLine.setParameterExceptionHandler((exception, args) -> {
            PrintWriter err = exception.getCommandLine().getErr();
            err.println("gost: " + exception.getMessage());
            err.println("Try 'gost --help'.");
            return USAGE;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        if (version) {
            spec.commandLine().getOut().println("gost " + version() + " (gost-java, Java " + Runtime.version() + ")");
            return OK;
        }
        if (configFile == null && services.isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getErr());
            return USAGE;
        }
        GostConfig config = configFile != null ? ConfigLoader.load(configFile)
                : new CommandLineParser().parse(services, nodes);
        if (outputFormat != null) {
            spec.commandLine().getOut().print(switch (outputFormat.toLowerCase(java.util.Locale.ROOT)) {
                case "yaml", "yml" -> ConfigWriter.toYaml(config);
                case "json" -> ConfigWriter.toJson(config);
                default -> throw new IllegalArgumentException("-O takes yaml or json, got '" + outputFormat + "'");
            });
            spec.commandLine().getOut().flush();
            return OK;
        }
        return Serving.serve(config, plugins, Serving.gracePeriod(gracePeriod));
    }

    static String version() {
        try (InputStream in = GostCommand.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code gost run FILE}. */
    @Command(name = "run", description = "Run the services of a configuration file (.conf, .json, .yaml, .yml).")
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the configuration file")
        Path file;

        @Option(names = {"-D", "--debug"}, description = "debug logging, and stack traces with errors")
        boolean debug;

        @Option(names = "--grace-period", paramLabel = "DURATION", defaultValue = Serving.DEFAULT_GRACE_PERIOD,
                description = "on SIGTERM/SIGINT, how long open connections may finish (default ${DEFAULT-VALUE})")
        String gracePeriod;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @CommandLine.Mixin
        PluginOptions plugins = new PluginOptions();

        @CommandLine.ParentCommand
        GostCommand parent;

        @Override
        public Integer call() {
            return Serving.serve(ConfigLoader.load(file), plugins.with(parent.plugins), Serving.gracePeriod(gracePeriod));
        }
    }

    /** {@code gost check FILE}: every problem, or the plan. */
    @Command(name = "check", description = "Check a configuration file (or -L/-F URLs) and print what would run.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "0..1", description = "the configuration file")
        Path file;

        @Option(names = "-L", paramLabel = "URL", description = "a service URL (instead of a file)")
        List<String> services = new ArrayList<>();

        @Option(names = "-F", paramLabel = "URL", description = "a chain hop URL")
        List<String> nodes = new ArrayList<>();

        @Option(names = {"-D", "--debug"}, description = "stack traces with errors")
        boolean debug;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @CommandLine.Mixin
        PluginOptions plugins = new PluginOptions();

        @CommandLine.ParentCommand
        GostCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (file == null && services.isEmpty()) {
                throw new IllegalArgumentException("check needs a FILE or -L URLs");
            }
            GostConfig config = file != null ? ConfigLoader.load(file) : new CommandLineParser().parse(services, nodes);
            PluginOptions.Loaded loaded = plugins.with(parent.plugins).loadAll();
            NetnsProvider provider = loaded.netnsProvider(config.netnsProvider());
            Planner.Result result = Planner.plan(config, loaded.registry());
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            result.warnings().forEach(warning -> err.println("gost: warning: " + warning));
            err.flush();
            List<String> problems = new ArrayList<>(result.problems());
            if (result.plan() != null) {
                problems.addAll(NamespaceCheck.problems(result.plan(), provider));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            GostPlan plan = result.plan();
            out.print(PlanDescription.describe(plan));
            if (!plan.namespaces().isEmpty()) {
                out.println("network namespaces (provider '" + provider.name() + "'): "
                        + String.join(", ", plan.namespaces().stream().map(NetnsRef::value).toList()) + " exist"
                        + NamespaceCheck.privilegeNote());
            }
            out.println("configuration OK: " + plan.services().size() + " service(s), " + plan.chains().size()
                    + " chain(s)" + (result.warnings().isEmpty() ? "" : ", " + result.warnings().size()
                    + " warning(s)"));
            out.flush();
            return OK;
        }
    }

    /** {@code gost plugins}: every type, where it came from and the SPI version it was built for. */
    @Command(name = "plugins", description = "List the listener, handler, dialer and connector types, the module and jar each came from, and the SPI version it was built for.")
    static final class Plugins implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @CommandLine.Mixin
        PluginOptions plugins = new PluginOptions();

        @CommandLine.ParentCommand
        GostCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PluginOptions.Loaded loaded = plugins.with(parent.plugins).load();
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-10s %-10s %-62s %-4s %s%n";
            out.printf(format, "KIND", "TYPE", "FROM", "SPI", "DESCRIPTION");
            for (PluginKind kind : PluginKind.values()) {
                for (PluginEntry entry : loaded.registry().entries(kind)) {
                    String spi = PluginLayers.builtForSpiVersion(entry.factory().getClass().getModule())
                            .orElse(PluginLayers.UNKNOWN_SPI_VERSION);
                    out.printf(format, kind.label(), entry.type(), entry.source(), spi,
                            entry.alias() ? "(alias of " + entry.factory().type() + ")" : entry.factory().description());
                }
            }
            NetnsProvider provider = loaded.netnsProvider(null);
            out.printf(format, "netns", provider.name(), PluginRegistry.describeSource(provider.getClass()),
                    PluginLayers.builtForSpiVersion(provider.getClass().getModule()).orElse(PluginLayers.UNKNOWN_SPI_VERSION),
                    "network namespace provider (selected)");
            out.flush();
            if (!loaded.problems().isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("gost: plugins that could not be loaded:");
                loaded.problems().forEach(problem -> err.println("  " + problem));
                err.flush();
                return START_FAILED;
            }
            return OK;
        }
    }
}
