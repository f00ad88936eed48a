package io.gost.runtime.service;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One kind of refusal of one service, logged at most once a second: a flood of refused clients must not
 * become a flood of log lines. Each line counts the refusals since the one before.
 */
final class RefusalLog {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private final String noun;
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong nextReportNanos = new AtomicLong(System.nanoTime());

    /** @param noun what is refused: {@code connection} or {@code request} */
    RefusalLog(Logger log, String noun) {
        this.log = log;
        this.noun = noun;
    }

    /**
     * Counts one refusal and logs {@code what} when the last line is a second old.
     *
     * @param what the sentence after the count, e.g. {@code "refused by admission a1 (latest from 10.0.0.1:5000)"}
     */
    void refused(String service, String what) {
        total.incrementAndGet();
        unreported.incrementAndGet();
        long now = System.nanoTime();
        long next = nextReportNanos.get();
        if (now - next >= 0 && nextReportNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            long count = unreported.getAndSet(0);
            log.warn("service {}: {} {}{} {}", service, count, noun, count == 1 ? "" : "s", what);
        }
    }

    /** Refusals since start. */
    long total() {
        return total.get();
    }
}
