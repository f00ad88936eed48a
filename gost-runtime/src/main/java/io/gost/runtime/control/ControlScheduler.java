package io.gost.runtime.control;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread on which control objects read their data sources (files, Redis, HTTP: blocking I/O that must
 * never run on an event loop) and sweep idle per-client state. A reload compiles new rules here and publishes
 * them with one volatile write, so traffic never waits for it.
 */
public final class ControlScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlScheduler.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "gost-control");
        thread.setDaemon(true);
        return thread;
    });

    /** Runs {@code task} every {@code period}, the first time after one period. */
    public ScheduledFuture<?> every(Duration period, String what, Runnable task) {
        long nanos = period.toNanos();
        return executor.scheduleWithFixedDelay(() -> run(what, task), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} once, soon. */
    public void execute(String what, Runnable task) {
        executor.execute(() -> run(what, task));
    }

    private static void run(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A failing reload must not end the schedule: the next period tries again.
            log.warn("{} failed: {}", what, e.toString(), e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
