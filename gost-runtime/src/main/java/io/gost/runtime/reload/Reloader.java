package io.gost.runtime.reload;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.Planner;
import io.gost.runtime.registry.PluginRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change to what runs goes through here, one at a time: a reload (SIGHUP, {@code -R}, the Web API's
 * {@code /config/reload}) and an edit (the Web API's create, update and delete). Each plans the new
 * configuration and applies the difference to the runtime ({@link GostRuntime#apply}); a configuration
 * that does not plan, or a plan that does not start, changes nothing, and the reason is logged with file
 * and line.
 *
 * <p>All of it runs on one thread of its own ({@code gost-control}), so that two changes never interleave
 * and no event loop ever waits for a bind.
 */
public final class Reloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final GostRuntime runtime;
    private final PluginRegistry registry;
    private final ConfigSource source;
    private final ScheduledExecutorService control;
    private final List<Consumer<GostPlan>> appliedListeners = new CopyOnWriteArrayList<>();

    public Reloader(GostRuntime runtime, PluginRegistry registry, ConfigSource source) {
        this.runtime = runtime;
        this.registry = registry;
        this.source = source;
        this.control = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gost-control");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The runtime changes are applied to. */
    public GostRuntime runtime() {
        return runtime;
    }

    /** Hears of every plan applied (the API and metrics endpoints, the logging follow it). */
    public void onApplied(Consumer<GostPlan> listener) {
        appliedListeners.add(listener);
    }

    /**
     * Reads the configuration source again and applies it.
     *
     * @param trigger what asked, for the log ({@code SIGHUP}, {@code -R}, {@code API})
     * @return completes with what changed, or fails with why nothing did
     */
    public CompletableFuture<GostRuntime.Changes> reload(String trigger) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                GostConfig config = source.load();
                return applyLogged(trigger, config);
            } catch (RuntimeException e) {
                logFailure(trigger, e);
                throw e;
            }
        }, control);
    }

    /**
     * Applies an edit of the running configuration (the Web API's changes). Not written to the file: a
     * reload from the file undoes it, as in GOST, unless it was saved.
     */
    public CompletableFuture<GostRuntime.Changes> edit(String what, UnaryOperator<GostConfig> change) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return applyLogged(what, change.apply(runtime.config()));
            } catch (RuntimeException e) {
                logFailure(what, e);
                throw e;
            }
        }, control);
    }

    /**
     * Looks at the configuration file every {@code period} and reloads it when its content changed (GOST's
     * {@code -R}). Nothing happens for a configuration that is not a file.
     */
    public void watch(Duration period) {
        if (source.file().isEmpty()) {
            log.warn("-R {}: the configuration is not a file, so there is nothing to watch", period);
            return;
        }
        long nanos = period.toNanos();
        control.scheduleWithFixedDelay(() -> {
            if (source.changedSinceLoad()) {
                reloadNow("-R");
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
        log.info("reloading {} when it changes, looking every {}", source, period);
    }

    /** On the control thread: a watch's reload; failures are logged by it. */
    private void reloadNow(String trigger) {
        try {
            applyLogged(trigger, source.load());
        } catch (RuntimeException e) {
            logFailure(trigger, e);
        }
    }

    private GostRuntime.Changes applyLogged(String trigger, GostConfig config) {
        long start = System.nanoTime();
        GostPlan plan = Planner.planOrThrow(config, registry);
        GostRuntime.Changes changes = runtime.apply(plan);
        log.info("{}: configuration applied in {} ms: services {}", trigger,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), changes);
        for (Consumer<GostPlan> listener : appliedListeners) {
            try {
                listener.accept(plan);
            } catch (RuntimeException e) {
                log.error("{}: after applying the configuration: {}", trigger, e.getMessage(), e);
            }
        }
        return changes;
    }

    private static void logFailure(String trigger, RuntimeException e) {
        if (e instanceof ConfigException config) {
            log.error("{}: the new configuration was not applied, the running one goes on; {}", trigger,
                    String.join("; ", config.problems()));
        } else {
            log.error("{}: the new configuration was not applied, the running one goes on: {}", trigger,
                    e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    @Override
    public void close() {
        control.shutdownNow();
    }
}
