package io.gost.runtime.cli;

import io.gost.api.Metadata;
import io.gost.api.NetnsProvider;
import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.transport.NettyTransport;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * What every serving start does, from {@code gost -L}, {@code gost -C} or {@code gost run}: apply the
 * configuration's log settings, load the plugins, start the services, and report a failure the same way.
 */
final class Serving {

    private Serving() {
    }

    /** {@code --grace-period}'s default. */
    static final String DEFAULT_GRACE_PERIOD = "30s";

    /** Starts every service and returns; the event-loop threads keep the process alive until a signal. */
    static int serve(GostConfig config, PluginOptions pluginOptions, Duration gracePeriod) {
        return serve(config, pluginOptions, gracePeriod, null);
    }

    /**
     * As {@link #serve(GostConfig, PluginOptions, Duration)}, on the transport {@code --transport} names (null:
     * {@code -Dgost.transport}, else the best that works here).
     */
    static int serve(GostConfig config, PluginOptions pluginOptions, Duration gracePeriod, String transportName) {
        applyLogSettings(config);
        PluginOptions.Loaded plugins = pluginOptions.loadAll();
        PluginRegistry registry = plugins.registry();
        NetnsProvider provider = plugins.netnsProvider(config.netnsProvider());
        NettyTransport transport = transportName == null ? NettyTransport.create(0)
                : NettyTransport.create(0, transportName);
        GostRuntime runtime;
        try {
            runtime = GostRuntime.create(config, registry, provider, transport);
            // Before the first port opens: a SIGTERM that arrives as soon as a port accepts still drains.
            GracefulShutdown.install(runtime, transport, gracePeriod);
            runtime.start();
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
        return GostCommand.KEEP_RUNNING;
    }

    private static void applyLogSettings(GostConfig config) {
        if (System.getProperty("gost.log.level") == null) {
            System.setProperty("gost.log.level", config.log().level());
        }
        if (System.getProperty("gost.log.format") == null) {
            System.setProperty("gost.log.format", config.log().format());
        }
    }

    static Duration gracePeriod(String text) {
        return Metadata.parseDuration("--grace-period", text);
    }

    /** Prints what failed for a shell user (with the stack trace under {@code -D}) and returns the exit code. */
    static int reportFailure(PrintWriter err, Exception exception, boolean debug) {
        if (exception instanceof ConfigException config) {
            err.println("gost: the configuration has " + (config.problems().size() == 1 ? "a problem:" : config.problems().size() + " problems:"));
            config.problems().forEach(problem -> err.println("  " + problem));
        } else {
            err.println("gost: " + (exception.getMessage() == null ? exception.toString() : exception.getMessage()));
        }
        if (debug) {
            exception.printStackTrace(err);
        }
        err.flush();
        return exception instanceof ConfigException || exception instanceof IllegalArgumentException
                ? GostCommand.USAGE : GostCommand.START_FAILED;
    }
}
