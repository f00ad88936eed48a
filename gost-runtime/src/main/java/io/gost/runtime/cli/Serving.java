package io.gost.runtime.cli;

import io.gost.api.Metadata;
import io.gost.api.NetnsProvider;
import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.operations.Operations;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.reload.ConfigSource;
import io.gost.runtime.reload.Reloader;
import io.gost.runtime.transport.NettyTransport;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * What every serving start does, from {@code gost -L}, {@code gost -C} or {@code gost run}: apply the
 * configuration's log settings, load the plugins, start the services, the Web API and the metrics, install
 * the signal handlers and the {@code -R} watch, and report a failure the same way.
 */
final class Serving {

    private Serving() {
    }

    /** {@code --grace-period}'s default. */
    static final String DEFAULT_GRACE_PERIOD = "30s";

    /**
     * Starts every service and returns; the event-loop threads keep the process alive until a signal.
     *
     * @param reloadPeriod  {@code -R}: how often to look at the configuration file, or {@code null}
     * @param transportName {@code --transport}, or {@code null}: {@code -Dgost.transport}, else the best that
     *                      works here
     */
    static int serve(ConfigSource source, GostConfig config, PluginOptions pluginOptions, Duration gracePeriod,
                     Duration reloadPeriod, String transportName) {
        Logging.apply(config.log());
        PluginOptions.Loaded plugins = pluginOptions.loadAll();
        PluginRegistry registry = plugins.registry();
        NetnsProvider provider = plugins.netnsProvider(config.netnsProvider());
        NettyTransport transport = transportName == null ? NettyTransport.create(0)
                : NettyTransport.create(0, transportName);
        GostRuntime runtime;
        Operations operations;
        try {
            runtime = GostRuntime.create(config, registry, provider, transport);
            runtime.gracePeriod(gracePeriod);
            Reloader reloader = new Reloader(runtime, registry, source);
            operations = new Operations(reloader, transport, source.file().orElse(null));
            reloader.onApplied(plan -> Logging.apply(plan.log()));
            reloader.onApplied(operations::apply);
            // Before the first port opens: a SIGTERM that arrives as soon as a port accepts still drains.
            Operations endpoints = operations;
            GracefulShutdown.install(runtime, transport, gracePeriod, reloader, Logging::reopen, endpoints::stopping, () -> {
                operations.close();
                reloader.close();
            });
            runtime.start();
            operations.apply(runtime.plan());
            if (reloadPeriod != null) {
                reloader.watch(reloadPeriod);
            }
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
        return GostCommand.KEEP_RUNNING;
    }

    static Duration gracePeriod(String text) {
        return Metadata.parseDuration("--grace-period", text);
    }

    /** {@code -R}'s period, or {@code null} without it. */
    static Duration reloadPeriod(String text) {
        if (text == null) {
            return null;
        }
        Duration period = Metadata.parseDuration("-R", text);
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("-R takes a period such as 30s, got '" + text + "'");
        }
        return period;
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
