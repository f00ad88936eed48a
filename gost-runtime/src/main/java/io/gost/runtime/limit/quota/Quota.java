package io.gost.runtime.limit.quota;

import io.gost.runtime.config.QuotaConfig;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named quota, as GOST's {@code x/limiter/quota/limiter.go}: bytes are counted only inside the window
 * [{@code startsAt}, {@code expiresAt}); once the count reaches the limit the quota blocks, and every service
 * naming it stops (new connections wait in the listen backlog, open ones are closed at their next read or write)
 * until the window ends, the counter is reset or the limit raised. Outside the window, and with no limit, nothing
 * is enforced (GOST's "fail-open").
 *
 * <p>Counting is one {@link AtomicLong#addAndGet} and a few volatile reads per read or write burst, no
 * allocation; the blocking decision is made where the count crosses the limit. Settings change in place
 * ({@link #reconfigure}), so connections and services holding this object see a reload's new limit.
 */
public final class Quota {

    private static final Logger log = LoggerFactory.getLogger(Quota.class);
    private static final long UNSET_START = Long.MIN_VALUE;
    private static final long UNSET_END = Long.MAX_VALUE;

    /**
     * What the API and {@code status} show (GOST's {@code QuotaStatus}).
     *
     * @param used      bytes counted in the window
     * @param limit     bytes allowed, 0 for no limit
     * @param startsAt  window start, Unix seconds, 0 for unset
     * @param expiresAt window end, Unix seconds, 0 for unset
     * @param active    now inside the window
     * @param expired   the window is over
     * @param blocked   traffic is stopped now
     * @param direction {@code total}, {@code in} or {@code out}
     */
    public record Snapshot(long used, long limit, long startsAt, long expiresAt, boolean active, boolean expired,
                           boolean blocked, String direction) {
    }

    private final String name;
    private final Runnable changed;
    private final AtomicLong used = new AtomicLong();
    private final AtomicBoolean blocked = new AtomicBoolean();
    private volatile boolean dirty;
    private volatile boolean closed;
    private volatile long limit;
    private volatile long startsAtMillis = UNSET_START;
    private volatile long expiresAtMillis = UNSET_END;
    private volatile boolean countsIn = true;
    private volatile boolean countsOut = true;
    private volatile QuotaConfig config;
    private volatile QuotaStore store;
    /** The store could not be read: its counter is added to ours once it can, before anything is written over it. */
    private volatile boolean loadPending;
    private long lastFlushNanos = System.nanoTime();
    private boolean wasActive;

    /**
     * @param changed told (on the quotas' thread) when this quota starts or stops blocking
     */
    Quota(QuotaConfig config, QuotaStore store, Runnable changed) {
        this.name = config.name();
        this.changed = changed;
        apply(config, store);
        load();
        long now = System.currentTimeMillis();
        wasActive = active(now);
        blocked.set(enforcing(now) && used.get() >= limit);
        if (blocked.get()) {
            log.warn("quota {}: {} of {} bytes already used in this window (from the {}): services naming it stop"
                    + " until the window ends or the quota is reset", name, used.get(), limit, store.describe());
        }
    }

    public String name() {
        return name;
    }

    /** The settings it runs with. */
    public QuotaConfig config() {
        return config;
    }

    private void apply(QuotaConfig config, QuotaStore store) {
        this.config = config;
        this.store = store;
        this.limit = config.limit();
        this.startsAtMillis = config.startsAt() == null ? UNSET_START : config.startsAt().toInstant().toEpochMilli();
        this.expiresAtMillis = config.expiresAt() == null ? UNSET_END
                : config.expiresAt().toInstant().toEpochMilli();
        this.countsIn = config.direction() != QuotaConfig.Direction.OUT;
        this.countsOut = config.direction() != QuotaConfig.Direction.IN;
    }

    // ---- the hot path -----------------------------------------------------------------------------------

    /** True while traffic must stop: used up, inside the window, not closed. */
    public boolean blocked() {
        return blocked.get() && !closed && enforcing(System.currentTimeMillis());
    }

    /** Counts {@code bytes} read from a client. */
    public void addIn(long bytes) {
        if (countsIn) {
            add(bytes);
        }
    }

    /** Counts {@code bytes} written to a client. */
    public void addOut(long bytes) {
        if (countsOut) {
            add(bytes);
        }
    }

    private void add(long bytes) {
        if (bytes <= 0 || closed || !active(System.currentTimeMillis())) {
            return;
        }
        long total = used.addAndGet(bytes);
        if (!dirty) {
            dirty = true; // written once per flush, not by every event loop at every read
        }
        long max = limit;
        if (max > 0 && total >= max && blocked.compareAndSet(false, true)) {
            log.warn("quota {}: {} bytes used, its limit is {}: services naming it stop until the window ends or"
                    + " the quota is reset", name, total, max);
            changed.run();
        }
    }

    private boolean active(long nowMillis) {
        return nowMillis >= startsAtMillis && nowMillis < expiresAtMillis;
    }

    private boolean enforcing(long nowMillis) {
        return limit > 0 && active(nowMillis);
    }

    // ---- changes ----------------------------------------------------------------------------------------

    /**
     * New settings, in place (a reload or the API's {@code PUT}): the counter is written to the old store first,
     * then read from the new one for the new window; a changed window starts from 0, as in GOST.
     */
    synchronized void reconfigure(QuotaConfig next, QuotaStore nextStore) {
        if (next.equals(config) && nextStore == store) {
            return;
        }
        persist();
        boolean sameWindow = java.util.Objects.equals(instant(next.startsAt()), instant(config.startsAt()))
                && java.util.Objects.equals(instant(next.expiresAt()), instant(config.expiresAt()));
        QuotaStore previous = store;
        apply(next, nextStore);
        if (nextStore != previous || !sameWindow) {
            used.set(0);
            load();
        }
        log.info("quota {}: limit {}, window {} to {}, counting {}, kept in the {}", name,
                io.gost.runtime.limit.Sizes.format(next.limit()), bound(next.startsAt()), bound(next.expiresAt()),
                next.direction().text(), nextStore.describe());
        reevaluate();
    }

    private static java.time.Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static String bound(OffsetDateTime time) {
        return time == null ? "unset" : time.toString();
    }

    /** Sets the counter ({@code POST /config/quotas/NAME/reset}), written to the store at once. */
    public synchronized void reset(long value) {
        used.set(Math.max(0, value));
        log.info("quota {}: counter reset to {} bytes", name, used.get());
        reevaluate();
    }

    private void reevaluate() {
        boolean block = enforcing(System.currentTimeMillis()) && used.get() >= limit;
        boolean was = blocked.getAndSet(block);
        persist();
        if (was != block) {
            changed.run();
        }
    }

    /** Once a second, on the quotas' thread: window bounds crossed, and the periodic flush. */
    synchronized void tick(long nowNanos) {
        long now = System.currentTimeMillis();
        boolean active = active(now);
        if (active != wasActive) {
            wasActive = active;
            log.info("quota {}: window {} ({} bytes used)", name, active ? "opened" : "closed", used.get());
            boolean block = active && limit > 0 && used.get() >= limit;
            blocked.set(block);
            persist();
            changed.run();
            return;
        }
        if (nowNanos - lastFlushNanos >= config.flush().toNanos() && (dirty || loadPending)) {
            persist();
        }
    }

    /** Stops counting and enforcing (the quota was removed), after a last write. */
    synchronized void close() {
        if (!closed) {
            persist();
            closed = true;
            changed.run();
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ---- the store --------------------------------------------------------------------------------------

    /** GOST restores the counter only for the same window: a new window starts from 0. */
    private void load() {
        try {
            Optional<QuotaStore.Record> record = store.load(name);
            loadPending = false;
            if (record.isPresent() && record.get().startsAt() == nanos(config.startsAt())
                    && record.get().expiresAt() == nanos(config.expiresAt())) {
                used.addAndGet(Math.max(0, record.get().used()));
            }
        } catch (IOException | RuntimeException e) {
            if (!loadPending) {
                log.warn("quota {}: cannot read its counter from the {}: {}; counting from 0 and trying again"
                        + " before each write", name, store.describe(), e.getMessage());
            }
            loadPending = true;
        }
    }

    private void persist() {
        lastFlushNanos = System.nanoTime();
        if (loadPending) {
            load();
            if (loadPending) {
                return; // never write over a counter that could not be read
            }
        }
        dirty = false;
        QuotaStore.Record record = new QuotaStore.Record(used.get(), limit, nanos(config.startsAt()),
                nanos(config.expiresAt()), currentNanos());
        try {
            store.save(name, record);
        } catch (IOException | RuntimeException e) {
            dirty = true;
            log.warn("quota {}: cannot write its counter to the {}: {}", name, store.describe(), e.getMessage());
        }
    }

    private static long nanos(OffsetDateTime time) {
        if (time == null) {
            return 0;
        }
        java.time.Instant instant = time.toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static long currentNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** GOST's status of this quota now. */
    public Snapshot snapshot() {
        long now = System.currentTimeMillis();
        return new Snapshot(used.get(), limit, seconds(config.startsAt()), seconds(config.expiresAt()),
                active(now), config.expiresAt() != null && now >= expiresAtMillis, blocked(),
                config.direction().text());
    }

    private static long seconds(OffsetDateTime time) {
        return time == null ? 0 : time.toEpochSecond();
    }
}
