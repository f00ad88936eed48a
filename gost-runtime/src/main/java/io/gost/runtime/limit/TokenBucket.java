package io.gost.runtime.limit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket shared by any number of threads, kept as one "theoretical arrival time" (GCRA): taking
 * tokens is one compare-and-set, and no timer or thread runs for it. The rate and burst can be changed while
 * the bucket is in use (a reload re-rates buckets in place).
 *
 * <p>Two ways to take tokens:
 * <ul>
 *   <li>{@link #take} (traffic): the tokens are always taken, possibly into debt, and the answer is how long
 *       to wait before taking more. A relay reads a chunk, takes its size, and reads the next chunk only
 *       after that wait: the pause is in the reads, and nothing is buffered.</li>
 *   <li>{@link #tryTake} (requests): the tokens are taken only if the bucket holds them.</li>
 * </ul>
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1e9;

    private volatile double rate;
    private volatile long burst;
    /** When the bucket will be empty again: tokens now = burst - (tat - now) * rate. */
    private final AtomicLong tat;

    private TokenBucket(double rate, long burst, boolean full) {
        this.rate = checkRate(rate);
        this.burst = Math.max(1, burst);
        long now = System.nanoTime();
        this.tat = new AtomicLong(full ? now : now + toleranceNanos(rate, this.burst));
    }

    /** An empty bucket (traffic: a new connection does not start with a burst of free bytes). */
    public static TokenBucket empty(double rate, long burst) {
        return new TokenBucket(rate, burst, false);
    }

    /** A full bucket (requests: a client's first requests pass at once, as in GOST). */
    public static TokenBucket full(double rate, long burst) {
        return new TokenBucket(rate, burst, true);
    }

    private static double checkRate(double rate) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("a token bucket's rate must be above 0, got " + rate);
        }
        return rate;
    }

    private static long toleranceNanos(double rate, long burst) {
        return (long) (burst * NANOS_PER_SECOND / rate);
    }

    /** Tokens per second. */
    public double rate() {
        return rate;
    }

    /** The most tokens the bucket holds. */
    public long burst() {
        return burst;
    }

    /** Changes the rate and burst; takes from now on use them. */
    public void set(double newRate, long newBurst) {
        this.rate = checkRate(newRate);
        this.burst = Math.max(1, newBurst);
    }

    /**
     * Takes {@code tokens} now, into debt if the bucket holds fewer.
     *
     * @return nanoseconds until the bucket is out of debt (0 when it is not in debt)
     */
    public long take(long tokens) {
        double currentRate = rate;
        long tolerance = toleranceNanos(currentRate, burst);
        long cost = (long) (tokens * NANOS_PER_SECOND / currentRate);
        while (true) {
            long now = System.nanoTime();
            long current = tat.get();
            // A bucket idle for long holds at most its burst: tat never lies before now (tat = now is full).
            long base = current - now > 0 ? current : now;
            long next = base + cost;
            if (tat.compareAndSet(current, next)) {
                long wait = next - tolerance - now;
                return Math.max(0, wait);
            }
        }
    }

    /** Takes {@code tokens} if the bucket holds them; true when it did. */
    public boolean tryTake(long tokens) {
        double currentRate = rate;
        long tolerance = toleranceNanos(currentRate, burst);
        long cost = (long) (tokens * NANOS_PER_SECOND / currentRate);
        while (true) {
            long now = System.nanoTime();
            long current = tat.get();
            long base = current - now > 0 ? current : now;
            long next = base + cost;
            if (next - tolerance - now > 0) {
                return false;
            }
            if (tat.compareAndSet(current, next)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "TokenBucket[" + rate + "/s, burst " + burst + "]";
    }
}
