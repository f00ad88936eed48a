package io.gost.runtime.limit.quota;

import io.gost.runtime.config.QuotaConfig;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The quotas of a runtime, by name, for as long as the runtime runs: unlike the other control objects, which
 * each plan (each reload) builds anew, a quota is one counter across reloads, API changes and the services
 * that share it, as GOST's registry keeps one limiter per name. A plan {@link #hold holds} the quotas it names
 * while it runs; a quota no running plan holds any more is written to its store a last time and closed.
 *
 * <p>One daemon thread ("gost-quotas") crosses window bounds, flushes counters every {@code flush} and tells
 * the {@linkplain #subscribe subscribed} services when a quota starts or stops blocking. Store I/O happens
 * there (or on the caller's thread for a reload or an API change), never on an event loop.
 */
public final class Quotas implements AutoCloseable {

    private final Map<String, Quota> quotas = new ConcurrentHashMap<>();
    private final Map<String, Integer> holds = new ConcurrentHashMap<>();
    /** One store per file or Redis hash, shared by the quotas kept there (GOST shares file stores by path). */
    private final Map<Object, QuotaStore> stores = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread named = new Thread(task, "gost-quotas");
        named.setDaemon(true);
        return named;
    });

    public Quotas() {
        thread.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Starts (or reconfigures in place) every quota of {@code configs} and holds them until {@link #release}
     * with the same names. Counters are read from the stores here, on the caller's thread.
     */
    public synchronized void hold(Collection<QuotaConfig> configs) {
        for (QuotaConfig config : configs) {
            QuotaStore store = store(config.store());
            Quota existing = quotas.get(config.name());
            if (existing == null) {
                quotas.put(config.name(), new Quota(config, store, this::changed));
            } else {
                existing.reconfigure(config, store);
            }
            holds.merge(config.name(), 1, Integer::sum);
        }
        changed();
    }

    /** Lets go of quotas {@link #hold held} before; those nobody holds any more are flushed and closed. */
    public synchronized void release(Collection<String> names) {
        for (String name : names) {
            Integer left = holds.computeIfPresent(name, (key, count) -> count <= 1 ? null : count - 1);
            if (left == null) {
                Quota quota = quotas.remove(name);
                if (quota != null) {
                    // Written now, on the releasing thread (the runtime's, never an event loop): a plan that
                    // defines the name again right after must read this last count.
                    quota.close();
                }
            }
        }
    }

    /** The running quota called {@code name}. */
    public Optional<Quota> get(String name) {
        return Optional.ofNullable(quotas.get(name));
    }

    /** The running quotas. */
    public Collection<Quota> all() {
        return List.copyOf(quotas.values());
    }

    /**
     * Calls {@code listener} (on the quotas' thread) whenever a quota starts or stops blocking or is replaced;
     * the returned handle unsubscribes.
     */
    public AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void changed() {
        if (!thread.isShutdown()) {
            try {
                thread.execute(() -> listeners.forEach(Runnable::run));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: nobody is left to tell
            }
        }
    }

    private QuotaStore store(QuotaConfig.Store config) {
        Object key = config.file() != null ? Path.of(config.file()).toAbsolutePath().normalize() : config.redis();
        return stores.computeIfAbsent(key, any -> QuotaStore.of(config));
    }

    private void tick() {
        long now = System.nanoTime();
        for (Quota quota : quotas.values()) {
            try {
                quota.tick(now);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Quotas.class).warn("quota {}: {}", quota.name(), e.toString(), e);
            }
        }
    }

    /** Writes every counter a last time and stops the thread. */
    @Override
    public synchronized void close() {
        thread.shutdown();
        for (Quota quota : quotas.values()) {
            quota.close();
        }
        quotas.clear();
        holds.clear();
        try {
            // A tick may be writing a counter right now.
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
