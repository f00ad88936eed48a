package io.gost.runtime.limit;

import io.gost.runtime.match.IpAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One of GOST's connection limiters ({@code climiters:}): how many connections may be open at once. {@code $}
 * counts every connection of the limiter (all services naming it); a client IP is held to its own line (its
 * IP's, else the most specific CIDR's), else to {@code $$}. A connection is admitted only when both hold.
 *
 * <p>Checked when a connection is accepted, before anything is read from it. Counts survive a reload (GOST
 * starts counting from zero again): new limits apply to the connections that come after it.
 */
public final class ConnectionLimiter {

    private final String name;
    private volatile LimitTable<Count> table;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

    public ConnectionLimiter(String name, LimitTable<Count> table) {
        this.name = Objects.requireNonNull(name, "name");
        this.table = Objects.requireNonNull(table, "table");
    }

    public String name() {
        return name;
    }

    public LimitTable<Count> table() {
        return table;
    }

    public void update(LimitTable<Count> newTable) {
        this.table = Objects.requireNonNull(newTable, "newTable");
    }

    /** What {@link #acquire} gives: a slot to release when the connection closes, or why there is none. */
    public sealed interface Outcome permits Permit, Refused {
    }

    /** A slot held by one connection; {@link #release} it once when the connection closes. */
    public final class Permit implements Outcome {
        private final String ip;
        private boolean released;

        private Permit(String ip) {
            this.ip = ip;
        }

        public synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            total.decrementAndGet();
            if (ip != null) {
                perClient.computeIfPresent(ip, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
            }
        }
    }

    /**
     * A connection over a limit.
     *
     * @param limiter the limiter's name
     * @param line    the line that refused it ({@code $ 100}, {@code 192.168.0.0/16 5})
     * @param open    connections open under that line when it refused
     */
    public record Refused(String limiter, Count line, int open) implements Outcome {

        /** {@code climiter c1 (192.168.0.0/16 5): 5 connections open}. */
        public String describe() {
            return "climiter " + limiter + " (" + line + "): " + open + " connection" + (open == 1 ? "" : "s")
                    + " open";
        }
    }

    /**
     * Takes a slot for a connection from {@code clientIp} (4 or 16 bytes; {@code null} when the client has no
     * IP, which only {@code $} then limits).
     */
    public Outcome acquire(byte[] clientIp) {
        LimitTable<Count> current = table;
        String ip = clientIp == null ? null : IpAddress.format(clientIp);
        Count own = current.specific(clientIp);
        Count clientLine = own != null ? own : current.perClient();
        int clientOpen = 0;
        if (ip != null) {
            AtomicInteger count = perClient.compute(ip, (key, existing) -> {
                AtomicInteger counter = existing != null ? existing : new AtomicInteger();
                counter.incrementAndGet();
                return counter;
            });
            clientOpen = count.get();
            if (clientLine != null && clientOpen > clientLine.limit()) {
                perClient.computeIfPresent(ip, (key, counter) -> counter.decrementAndGet() <= 0 ? null : counter);
                return new Refused(name, clientLine, clientOpen - 1);
            }
        }
        int open = total.incrementAndGet();
        Count service = current.service();
        if (service != null && open > service.limit()) {
            total.decrementAndGet();
            if (ip != null) {
                perClient.computeIfPresent(ip, (key, counter) -> counter.decrementAndGet() <= 0 ? null : counter);
            }
            return new Refused(name, service, open - 1);
        }
        return new Permit(ip);
    }

    /** Connections open now under this limiter. */
    public int open() {
        return total.get();
    }

    /** Client IPs with open connections (for tests). */
    public int clients() {
        return perClient.size();
    }

    @Override
    public String toString() {
        return "ConnectionLimiter[" + name + ", " + table.lines() + "]";
    }
}
