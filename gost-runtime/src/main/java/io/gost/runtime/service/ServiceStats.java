package io.gost.runtime.service;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A service's counters, GOST's {@code stats} fields: connections (total and open), connections that ended
 * with an error, and bytes from and to clients. Counted without locks: the byte counters are
 * {@link LongAdder}s, which event loops add to without contending, summed only when someone reads them
 * (the Web API, a metrics scrape). A reload that keeps a service's configuration keeps its counters (the
 * service is built anew with the new plan's controls and carries them on; connections still draining on its
 * predecessor count until they end); a service whose configuration changed starts from zero, as GOST's do.
 */
public final class ServiceStats {

    private final long createTimeSeconds = System.currentTimeMillis() / 1000;
    final AtomicLong currentConnections = new AtomicLong();
    final AtomicLong totalConnections = new AtomicLong();
    private final LongAdder errors = new LongAdder();
    private final LongAdder inputBytes = new LongAdder();
    private final LongAdder outputBytes = new LongAdder();

    /** When the service was created, in seconds since the epoch (GOST's {@code createTime}). */
    public long createTime() {
        return createTimeSeconds;
    }

    /** Connections accepted since the service was created ({@code totalConns}). */
    public long totalConnections() {
        return totalConnections.get();
    }

    /** Connections open now ({@code currentConns}). */
    public long currentConnections() {
        return currentConnections.get();
    }

    /** Connections that ended with an error ({@code totalErrs}). */
    public long errors() {
        return errors.sum();
    }

    /** Bytes read from clients ({@code inputBytes}). */
    public long inputBytes() {
        return inputBytes.sum();
    }

    /** Bytes written to clients ({@code outputBytes}). */
    public long outputBytes() {
        return outputBytes.sum();
    }

    void addBytes(long fromClient, long toClient) {
        if (fromClient != 0) {
            inputBytes.add(fromClient);
        }
        if (toClient != 0) {
            outputBytes.add(toClient);
        }
    }

    void countError() {
        errors.increment();
    }
}
