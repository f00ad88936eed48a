package io.gost.runtime.limit;

import io.gost.runtime.match.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One of GOST's request-rate limiters ({@code rlimiters:}): requests per second, as token buckets of burst
 * {@code int(R)+1} that start full. {@code $} is one bucket for the limiter; a client IP has its own bucket
 * at its own line's rate (its IP's, else the most specific CIDR's), else at {@code $$}'s. A request needs a
 * token from both.
 *
 * <p>What a request is depends on the handler: one per accepted connection (GOST), or, for handlers that ask
 * per request (the HTTP proxy), one per request.
 */
public final class RequestLimiter {

    private final String name;
    private volatile LimitTable<Count> table;
    private volatile TokenBucket service;
    private final Map<String, ClientBucket> clients = new ConcurrentHashMap<>();

    public RequestLimiter(String name, LimitTable<Count> table) {
        this.name = Objects.requireNonNull(name, "name");
        update(table);
    }

    public String name() {
        return name;
    }

    public LimitTable<Count> table() {
        return table;
    }

    /** Replaces the limits; buckets in use are re-rated in place. */
    public synchronized void update(LimitTable<Count> newTable) {
        table = Objects.requireNonNull(newTable, "newTable");
        Count line = newTable.service();
        if (line == null) {
            service = null;
        } else if (service == null) {
            service = TokenBucket.full(line.limit(), line.burst());
        } else {
            service.set(line.limit(), line.burst());
        }
        for (String ip : List.copyOf(clients.keySet())) {
            clients.computeIfPresent(ip, (key, bucket) -> {
                Count own = newTable.specific(IpAddress.parse(key));
                Count applies = own != null ? own : newTable.perClient();
                if (applies == null) {
                    return null;
                }
                bucket.bucket.set(applies.limit(), applies.burst());
                bucket.line = applies;
                return bucket;
            });
        }
    }

    /**
     * Takes a token for one request from {@code clientIp} (4 or 16 bytes, or {@code null}).
     *
     * @return {@code null} when the request may go ahead, else the line that refused it
     */
    public Count tryAcquire(byte[] clientIp) {
        LimitTable<Count> current = table;
        if (clientIp != null) {
            Count own = current.specific(clientIp);
            Count applies = own != null ? own : current.perClient();
            if (applies != null) {
                ClientBucket bucket = clients.computeIfAbsent(IpAddress.format(clientIp),
                        key -> new ClientBucket(applies));
                bucket.lastUsed = System.nanoTime();
                if (!bucket.bucket.tryTake(1)) {
                    return bucket.line;
                }
            }
        }
        TokenBucket shared = service;
        if (shared != null && !shared.tryTake(1)) {
            return current.service();
        }
        return null;
    }

    /** Drops per-IP buckets not used for {@code idle} (a full bucket is what a new one would be anyway). */
    public void sweep(Duration idle) {
        long now = System.nanoTime();
        for (String ip : List.copyOf(clients.keySet())) {
            clients.computeIfPresent(ip, (key, bucket) -> now - bucket.lastUsed > idle.toNanos() ? null : bucket);
        }
    }

    /** Client IPs with a bucket now (for tests). */
    public int clients() {
        return clients.size();
    }

    @Override
    public String toString() {
        return "RequestLimiter[" + name + ", " + table.lines() + "]";
    }

    private static final class ClientBucket {
        final TokenBucket bucket;
        volatile Count line;
        volatile long lastUsed = System.nanoTime();

        ClientBucket(Count line) {
            this.line = line;
            this.bucket = TokenBucket.full(line.limit(), line.burst());
        }
    }
}
