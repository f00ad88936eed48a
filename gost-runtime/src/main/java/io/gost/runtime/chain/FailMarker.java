package io.gost.runtime.chain;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Counts a node's recent failures, as GOST's marker does: every failed dial or handshake {@link #mark()}s
 * the node, every success {@link #reset()}s it, and selectors skip a node while it {@link #isDead is dead}.
 *
 * <p>Thread-safe: connections on every event loop mark and read the same node.
 */
public final class FailMarker {

    private final LongSupplier nanoTime;
    private int failCount;
    private long lastFailNanos;

    /** A marker on the system clock. */
    public FailMarker() {
        this(System::nanoTime);
    }

    /** A marker on {@code nanoTime}, a monotonic clock in nanoseconds (a fake one in tests). */
    public FailMarker(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Records one more failure, now. */
    public synchronized void mark() {
        failCount++;
        lastFailNanos = nanoTime.getAsLong();
    }

    /** Forgets all failures: the node has just worked. */
    public synchronized void reset() {
        failCount = 0;
    }

    /** Failures since the last {@link #reset()}. */
    public synchronized int failCount() {
        return failCount;
    }

    /**
     * True when the node has failed at least {@code maxFails} times and the last failure is less than
     * {@code failTimeout} ago: GOST's fail filter.
     */
    public synchronized boolean isDead(int maxFails, Duration failTimeout) {
        return failCount > 0 && failCount >= maxFails
                && nanoTime.getAsLong() - lastFailNanos < failTimeout.toNanos();
    }

    @Override
    public synchronized String toString() {
        return "FailMarker[failCount=" + failCount + "]";
    }
}
