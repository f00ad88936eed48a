package io.gost.runtime.cli;

import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.PlanDescription;
import io.gost.runtime.plan.Planner;
import io.gost.runtime.config.ApiConfig;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.ConfigLoader;
import io.gost.runtime.config.ConfigWriter;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.MetricsConfig;
import io.gost.runtime.reload.ConfigSource;
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
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code gost}: GOST's own flags ({@code -L}, {@code -F}, {@code -C}, {@code -O}, {@code -D}, {@code -DD},
 * {@code -V}) and the subcommands {@code run}, {@code check}, {@code plugins} and {@code keys}. This class is the one
 * grammar of the command line: picocli reads every command line with the model built here, serving or
 * not, and prints its help and errors from it.
 *
 * <p>The model is built with picocli's builders, not from annotations. Why: from annotations, picocli
 * builds it at every start by reflection over the command classes (annotation proxies, field lookups,
 * generic type inspection), about a seventh of the time until gost serves (docs/performance.md,
 * problem 5). Built directly it costs a small part of that, and the options are no less declarative.
 *
 * <p>Exit codes: 0 success, 1 a failure while starting (address in use, namespace missing), 2 a usage or
 * configuration error.
 *
 * <p>Why this class is long: the option model is declared here in full (each option's names, arity and help
 * text), which is most of its length; what each subcommand does lives in its own class.
 */
public final class GostCommand {

    /** Returned by commands that keep serving after {@code main} returns. */
    public static final int KEEP_RUNNING = -1;
    static final int OK = 0;
    static final int START_FAILED = 1;
    static final int USAGE = 2;

    /** {@code -D}: debug logging (GOST's flag), and stack traces with errors. */
    static final String DEBUG = "-D";
    /** {@code -DD}: trace logging (GOST's flag), and stack traces with errors. */
    static final String TRACE = "-DD";

    private GostCommand() {
    }

    /**
     * The command line for {@code bin/gost}: {@code logLevel} receives {@code "debug"} for {@code -D} or
     * {@code "trace"} for {@code -DD} (anywhere on the line) after the line was read and before the command
     * runs, so that it can set the level before anything logs.
     */
    static CommandLine commandLine(Consumer<String> logLevel) {
        return commandLine(logLevel, true);
    }

    /**
     * The command line for these {@code args}: a line that serves ({@code -L} or {@code -C}, no subcommand,
     * no help, no {@code @file}) is read by a model of {@code gost} alone, without the subcommands' models,
     * which it cannot use; every other line by the whole model. Why: building the four subcommands'
     * models is about a third of what picocli costs a start (docs/performance.md, start-up), and only a
     * line that names a subcommand, asks for help or reads arguments from a file can need them.
     */
    static CommandLine commandLine(Consumer<String> logLevel, String... args) {
        return commandLine(logLevel, needsSubcommands(args));
    }

    /** False only for a line that serves and that no subcommand model can change (see above). */
    static boolean needsSubcommands(String... args) {
        boolean serves = false;
        for (String arg : args) {
            if (SUBCOMMANDS.contains(arg) || arg.equals("-h") || arg.equals("--help") || arg.startsWith("@")) {
                return true;
            }
            serves |= arg.startsWith(SERVICE) || arg.startsWith(CONFIG_FILE);
        }
        return !serves;
    }

    /** The subcommands' names, as {@link Gost} adds them. */
    private static final List<String> SUBCOMMANDS = List.of("run", "check", "plugins", "keys");

    private static CommandLine commandLine(Consumer<String> logLevel, boolean withSubcommands) {
        CommandLine commandLine = new CommandLine(new Gost(withSubcommands).spec);
        commandLine.setExecutionStrategy(parseResult -> {
            verbosity(parseResult).ifPresent(logLevel);
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) ->
                Serving.reportFailure(line.getErr(), exception, verbosity(parseResult).isPresent()));
        commandLine.setParameterExceptionHandler((exception, args) -> {
            PrintWriter err = exception.getCommandLine().getErr();
            err.println("gost: " + exception.getMessage());
            err.println("Try 'gost --help'.");
            return USAGE;
        });
        return commandLine;
    }

    /** The log level the command line asks for: {@code -DD} (trace) wins over {@code -D} (debug), as in GOST. */
    static Optional<String> verbosity(ParseResult parseResult) {
        String level = null;
        for (ParseResult command = parseResult; command != null; command = command.subcommand()) {
            if (command.hasMatchedOption(TRACE)) {
                return Optional.of("trace");
            }
            if (command.hasMatchedOption(DEBUG)) {
                level = "debug";
            }
        }
        return Optional.ofNullable(level);
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

    /**
     * A command: its picocli model (built around this object without inspecting it) and what it runs.
     * The values are read from the model once picocli has parsed the command line into it.
     */
    abstract static class Command implements Callable<Integer> {

        final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

        Command(String name, String... description) {
            spec.name(name);
            spec.usageMessage().description(description).sortOptions(false);
        }

        /** A value of an option, or {@code ifAbsent} when the line did not give it (and it has no default). */
        @SuppressWarnings("unchecked")
        <T> T value(String option, T ifAbsent) {
            Object value = spec.findOption(option).getValue();
            return value == null ? ifAbsent : (T) value;
        }

        boolean flag(String option) {
            return value(option, Boolean.FALSE);
        }

        /** {@code --plugins} directories given to this command and, before it, to {@code gost}. */
        PluginOptions pluginOptions() {
            List<Path> directories = new ArrayList<>();
            if (spec.parent() != null) {
                directories.addAll(((Command) spec.parent().userObject()).value(PLUGINS, List.<Path>of()));
            }
            directories.addAll(value(PLUGINS, List.<Path>of()));
            return new PluginOptions(directories);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }

    // The options, each spelled once; a command adds those it takes.

    private static final String SERVICE = "-L";
    private static final String NODE = "-F";
    private static final String CONFIG_FILE = "-C";
    private static final String OUTPUT_FORMAT = "-O";
    private static final String GRACE_PERIOD = "--grace-period";
    private static final String VERSION = "-V";
    private static final String PLUGINS = "--plugins";
    private static final String API = "-api";
    private static final String METRICS = "-metrics";
    private static final String RELOAD_PERIOD = "-R";
    /** GOST's environment variables for -api and -metrics. */
    static final String API_ENV = "GOST_API";
    static final String METRICS_ENV = "GOST_METRICS";

    private static OptionSpec api() {
        return OptionSpec.builder(API).paramLabel("[USER:PASS@]ADDR[?pathPrefix=/api&accesslog=true]").type(String.class)
                .description("serve the Web API on ADDR (:PORT is loopback; 0.0.0.0:PORT for every interface);"
                        + " also $" + API_ENV).build();
    }

    private static OptionSpec metrics() {
        return OptionSpec.builder(METRICS).paramLabel("[USER:PASS@]ADDR[?path=/metrics]").type(String.class)
                .description("serve Prometheus metrics on ADDR; also $" + METRICS_ENV).build();
    }

    private static OptionSpec reloadPeriod() {
        return OptionSpec.builder(RELOAD_PERIOD).paramLabel("PERIOD").type(String.class)
                .description("look at the configuration file every PERIOD (e.g. 30s) and reload it when it changed")
                .build();
    }
    private static final String TRANSPORT = "--transport";

    private static OptionSpec services(String description) {
        return OptionSpec.builder(SERVICE).paramLabel("URL").type(List.class).auxiliaryTypes(String.class)
                .description(description).build();
    }

    private static OptionSpec nodes(String description) {
        return OptionSpec.builder(NODE).paramLabel("URL").type(List.class).auxiliaryTypes(String.class)
                .description(description).build();
    }

    private static OptionSpec debug(String description) {
        return OptionSpec.builder(DEBUG, "--debug").type(boolean.class).description(description).build();
    }

    private static OptionSpec trace(String description) {
        return OptionSpec.builder(TRACE, "--trace").type(boolean.class).description(description).build();
    }

    private static OptionSpec transport() {
        return OptionSpec.builder(TRANSPORT).paramLabel("NAME").type(String.class)
                .description("the network I/O transport: auto (default: epoll, else nio), io_uring, epoll or nio").build();
    }

    private static OptionSpec gracePeriod() {
        return OptionSpec.builder(GRACE_PERIOD).paramLabel("DURATION").type(String.class)
                .defaultValue(Serving.DEFAULT_GRACE_PERIOD)
                .description("on SIGTERM/SIGINT, and for services a reload replaces or removes, how long open"
                        + " connections may finish (default ${DEFAULT-VALUE})").build();
    }

    static OptionSpec help() {
        return OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help and exit").build();
    }

    static OptionSpec plugins() {
        return OptionSpec.builder(PLUGINS).paramLabel("DIR").type(List.class).auxiliaryTypes(Path.class)
                .description("also load plugin jars from DIR (repeatable)").build();
    }

    private static PositionalParamSpec file(boolean required) {
        return PositionalParamSpec.builder().index("0").paramLabel("FILE").type(Path.class)
                .arity(required ? "1" : "0..1").required(required).description("the configuration file").build();
    }

    /** {@code gost}: serve {@code -L}/{@code -F} URLs or a {@code -C} file, or print its configuration. */
    private static final class Gost extends Command {

        Gost() {
            this(true);
        }

        Gost(boolean withSubcommands) {
            super("gost", "GOST tunnels and proxies (gost-java).",
                    "  gost -L http://:8080                      an HTTP proxy",
                    "  gost -L tcp://:8000/127.0.0.1:9000        forward port 8000 to 127.0.0.1:9000",
                    "  gost -L tcp://:8000/host:80 -F http://proxy:3128   ... through a proxy",
                    "  gost run app.conf | app.yaml              run a configuration file");
            spec.addOption(services("a service, e.g. http://:8080 or tcp://:8000/host:port (repeatable)"))
                    .addOption(nodes("a hop of the chain, e.g. http://user:pass@proxy:3128 (repeatable)"))
                    .addOption(OptionSpec.builder(CONFIG_FILE).paramLabel("FILE").type(Path.class)
                            .description("a configuration file (.yaml, .yml, .conf, .json; - for YAML on stdin)").build())
                    .addOption(OptionSpec.builder(OUTPUT_FORMAT).paramLabel("FORMAT").type(String.class)
                            .description("print the configuration as yaml or json and exit").build())
                    .addOption(debug("debug logging, and stack traces with errors"))
                    .addOption(trace("trace logging, and stack traces with errors"))
                    .addOption(gracePeriod())
                    .addOption(transport())
                    .addOption(OptionSpec.builder(VERSION, "--version").type(boolean.class).description("print the version and exit").build())
                    .addOption(api())
                    .addOption(metrics())
                    .addOption(reloadPeriod())
                    .addOption(help())
                    .addOption(plugins());
            if (!withSubcommands) {
                return;
            }
            spec.addSubcommand("run", new Run().spec);
            spec.addSubcommand("check", new Check().spec);
            spec.addSubcommand("plugins", new Plugins().spec);
            spec.addSubcommand("keys", new KeysCommand().spec);
        }

        @Override
        public Integer call() {
            if (flag(VERSION)) {
                out().println("gost " + version() + " (gost-java, Java " + Runtime.version() + ")");
                return OK;
            }
            Path configFile = value(CONFIG_FILE, null);
            List<String> services = value(SERVICE, List.of());
            if (configFile == null && services.isEmpty()) {
                spec.commandLine().usage(err());
                return USAGE;
            }
            List<String> nodes = value(NODE, List.of());
            ConfigSource source = configFile != null
                    ? ConfigSource.file(configFile, () -> withOperationFlags(ConfigLoader.load(configFile)))
                    : ConfigSource.fixed("the command line", () -> withOperationFlags(
                            new CommandLineParser().parse(services, nodes)));
            return serveOrPrint(source);
        }

        /** The configuration with {@code -api} and {@code -metrics} (or GOST's variables for them) laid over it. */
        GostConfig withOperationFlags(GostConfig config) {
            String api = value(API, System.getenv(API_ENV));
            String metrics = value(METRICS, System.getenv(METRICS_ENV));
            if (api == null && metrics == null) {
                return config;
            }
            return config.withOperations(api == null || api.isBlank() ? config.api() : ApiConfig.fromFlag(api),
                    metrics == null || metrics.isBlank() ? config.metrics() : MetricsConfig.fromFlag(metrics));
        }

        /** Prints the configuration ({@code -O}) or serves it. */
        int serveOrPrint(ConfigSource source) {
            GostConfig config = source.load();
            String outputFormat = value(OUTPUT_FORMAT, null);
            if (outputFormat != null) {
                out().print(switch (outputFormat.toLowerCase(Locale.ROOT)) {
                    case "yaml", "yml" -> ConfigWriter.toYaml(config);
                    case "json" -> ConfigWriter.toJson(config);
                    default -> throw new IllegalArgumentException("-O takes yaml or json, got '" + outputFormat + "'");
                });
                out().flush();
                return OK;
            }
            return Serving.serve(source, config, pluginOptions(), Serving.gracePeriod(value(GRACE_PERIOD, null)),
                    Serving.reloadPeriod(value(RELOAD_PERIOD, null)), value(TRANSPORT, null));
        }
    }

    /**
     * GOST's {@code gost -L a -F b -- -L c -F d}: groups of {@code -L}/{@code -F} flags, each with its own
     * chain (GOST runs each group as a process of its own; here they run in one). Each group is read with
     * the same grammar; the first may also carry {@code gost}'s other serving options, the later ones only
     * {@code -L}, {@code -F}, {@code -D} and {@code -DD}.
     *
     * @return the exit code, or {@link #KEEP_RUNNING} when serving
     */
    static int executeGroups(List<List<String>> groups, Consumer<String> logLevel) {
        PrintWriter err = new PrintWriter(System.err, true);
        List<CommandLineParser.Group> parsed = new ArrayList<>();
        Gost first = null;
        String level = null;
        try {
            for (List<String> group : groups) {
                Gost gost = new Gost();
                ParseResult result = new CommandLine(gost.spec).parseArgs(group.toArray(String[]::new));
                if (result.subcommand() != null || (first != null && result.matchedOptions().stream()
                        .anyMatch(option -> !List.of(SERVICE, NODE, DEBUG, TRACE).contains(option.longestName())
                                && !List.of("--debug", "--trace").contains(option.longestName())))) {
                    throw new CommandLine.ParameterException(gost.spec.commandLine(), "after '--' a group takes only"
                            + " -L, -F, -D and -DD (GOST runs each group as its own process; gost-java runs them"
                            + " in one)");
                }
                String groupLevel = verbosity(result).orElse(null);
                level = "trace".equals(level) || groupLevel == null ? level : groupLevel;
                if (first == null) {
                    first = gost;
                }
                parsed.add(new CommandLineParser.Group(gost.value(SERVICE, List.of()), gost.value(NODE, List.of())));
            }
        } catch (CommandLine.ParameterException e) {
            err.println("gost: " + e.getMessage());
            err.println("Try 'gost --help'.");
            return USAGE;
        }
        if (level != null) {
            logLevel.accept(level);
        }
        try {
            if (first.value(CONFIG_FILE, null) != null) {
                throw new IllegalArgumentException("-C cannot be combined with '--' groups; give the services of a"
                        + " file in the file");
            }
            Gost options = first;
            return first.serveOrPrint(ConfigSource.fixed("the command line",
                    () -> options.withOperationFlags(new CommandLineParser().parse(parsed))));
        } catch (RuntimeException e) {
            return Serving.reportFailure(err, e, level != null);
        }
    }

    /** {@code gost run FILE}. */
    private static final class Run extends Command {

        Run() {
            super("run", "Run the services of a configuration file (.conf, .json, .yaml, .yml).");
            spec.addPositional(file(true))
                    .addOption(debug("debug logging, and stack traces with errors"))
                    .addOption(trace("trace logging, and stack traces with errors"))
                    .addOption(gracePeriod())
                    .addOption(reloadPeriod())
                    .addOption(transport())
                    .addOption(help())
                    .addOption(plugins());
        }

        @Override
        public Integer call() {
            Path file = spec.positionalParameters().get(0).getValue();
            ConfigSource source = ConfigSource.file(file, () -> ConfigLoader.load(file));
            return Serving.serve(source, source.load(), pluginOptions(), Serving.gracePeriod(value(GRACE_PERIOD, null)),
                    Serving.reloadPeriod(value(RELOAD_PERIOD, null)), value(TRANSPORT, null));
        }
    }

    /** {@code gost check FILE}: every problem, or the plan. */
    private static final class Check extends Command {

        Check() {
            super("check", "Check a configuration file (or -L/-F URLs) and print what would run.");
            spec.addPositional(file(false))
                    .addOption(services("a service URL (instead of a file)"))
                    .addOption(nodes("a chain hop URL"))
                    .addOption(debug("stack traces with errors"))
                    .addOption(trace("stack traces with errors (as -D)"))
                    .addOption(help())
                    .addOption(plugins());
        }

        @Override
        public Integer call() {
            Path file = spec.positionalParameters().get(0).getValue();
            List<String> services = value(SERVICE, List.of());
            List<String> nodes = value(NODE, List.of());
            if (file == null && services.isEmpty()) {
                throw new IllegalArgumentException("check needs a FILE or -L URLs");
            }
            GostConfig config = file != null ? ConfigLoader.load(file) : new CommandLineParser().parse(services, nodes);
            PluginOptions.Loaded loaded = pluginOptions().loadAll();
            NetnsProvider provider = loaded.netnsProvider(config.netnsProvider());
            Planner.Result result = Planner.plan(config, loaded.registry());
            PrintWriter out = out();
            PrintWriter err = err();
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
    private static final class Plugins extends Command {

        Plugins() {
            super("plugins", "List the listener, handler, dialer and connector types, the module and jar each came from,"
                    + " and the SPI version it was built for.");
            spec.addOption(help()).addOption(plugins());
        }

        @Override
        public Integer call() {
            PluginOptions.Loaded loaded = pluginOptions().load();
            PrintWriter out = out();
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
                PrintWriter err = err();
                err.println("gost: plugins that could not be loaded:");
                loaded.problems().forEach(problem -> err.println("  " + problem));
                err.flush();
                return START_FAILED;
            }
            return OK;
        }
    }
}
