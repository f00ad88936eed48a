package io.gost.runtime.limit;

import io.gost.runtime.match.IpAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One of GOST's traffic limiters ({@code limiters:}): bytes per second read from clients ({@code IN}) and
 * written to them ({@code OUT}), in token buckets.
 *
 * <ul>
 *   <li>{@code $}: one bucket per direction for the whole limiter (every connection of every service that
 *       names it, as in GOST);</li>
 *   <li>{@code $$}: one bucket per direction for each connection;</li>
 *   <li>an IP: one bucket per direction shared by that client's connections; a CIDR: one for each client IP
 *       inside it.</li>
 * </ul>
 * All that apply to a connection apply together: a read waits for the slowest. {@code BURST} (default: the
 * rate) is the most a bucket saves up while idle. Buckets start empty, so a new connection cannot start with
 * a free burst.
 *
 * <p>A reload ({@link #update}) re-rates the buckets in use in place; connections whose set of buckets
 * changes (a client IP that gained or lost a rule) pick up the new set within {@code refreshInterval}.
 * Per-IP buckets nobody used for {@code cleanupInterval} are dropped by {@link #sweep}.
 */
public final class TrafficLimiter {

    /**
     * A line's limits in bytes per second; 0 means no limit in that direction.
     *
     * @param in    read from the client
     * @param out   written to the client
     * @param burst the most a bucket holds; 0 for the rate
     */
    public record Rate(long in, long out, long burst) {

        /** Reads {@code IN [OUT [BURST]]} ({@code key} is not needed: buckets are looked up by scope). */
        public static Rate parse(String key, List<String> words) {
            if (words.size() > 3) {
                throw new IllegalArgumentException("expected IN [OUT [BURST]], got " + words.size() + " values");
            }
            long in = Sizes.parse(words.get(0));
            long out = words.size() > 1 ? Sizes.parse(words.get(1)) : 0;
            long burst = words.size() > 2 ? Sizes.parse(words.get(2)) : 0;
            return in == 0 && out == 0 ? null : new Rate(in, out, burst);
        }

        long burstFor(long rate) {
            return burst > 0 ? burst : rate;
        }

        @Override
        public String toString() {
            return "in " + Sizes.format(in) + "/s, out " + Sizes.format(out) + "/s"
                    + (burst > 0 ? ", burst " + Sizes.format(burst) : "");
        }
    }

    /** Which of a limiter's lines a service uses ({@code limiter.scope}). */
    public enum Scope {
        /** {@code $} and the per-client lines (GOST's default). */
        ALL,
        /** Only {@code $}. */
        SERVICE,
        /** Only {@code $$}, IPs and CIDRs. */
        CONNECTION;

        /** Reads GOST's {@code limiter.scope}: empty, {@code service} or {@code conn}. */
        public static Scope parse(String text) {
            if (text == null || text.isBlank()) {
                return ALL;
            }
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "service" -> SERVICE;
                case "conn", "connection" -> CONNECTION;
                default -> throw new IllegalArgumentException("limiter.scope '" + text
                        + "' is neither service nor conn");
            };
        }
    }

    private final String name;
    private volatile LimitTable<Rate> table;
    private final AtomicReference<TokenBucket> serviceIn = new AtomicReference<>();
    private final AtomicReference<TokenBucket> serviceOut = new AtomicReference<>();
    private final Map<String, ClientBuckets> clients = new ConcurrentHashMap<>();
    private volatile long generation;

    /** Set when the limiter's rates come from a plugin ({@code plugin:}); its table is then empty. */
    private final PluginLimits plugin;

    public TrafficLimiter(String name, LimitTable<Rate> table) {
        this(name, table, null);
    }

    private TrafficLimiter(String name, LimitTable<Rate> table, PluginLimits plugin) {
        this.name = Objects.requireNonNull(name, "name");
        this.table = LimitTable.empty();
        this.plugin = plugin;
        update(table);
    }

    /** A limiter whose rates the plugin answers (GOST's limiter plugin). */
    public static TrafficLimiter plugin(String name, io.gost.runtime.control.PluginClient client) {
        return new TrafficLimiter(name, LimitTable.empty(), new PluginLimits(name, client));
    }

    /** The plugin that answers this limiter's rates, or {@code null} when its lines do. */
    public PluginLimits asksPlugin() {
        return plugin;
    }

    public String name() {
        return name;
    }

    /** The limits in force now. */
    public LimitTable<Rate> table() {
        return table;
    }

    /** Replaces the limits; buckets in use are re-rated in place. */
    public synchronized void update(LimitTable<Rate> newTable) {
        table = Objects.requireNonNull(newTable, "newTable");
        Rate service = newTable.service();
        rerate(serviceIn, service == null ? 0 : service.in(), service);
        rerate(serviceOut, service == null ? 0 : service.out(), service);
        clients.forEach((ip, buckets) -> {
            Rate rate = newTable.specific(IpAddress.parse(ip));
            buckets.rerate(rate);
        });
        generation++;
    }

    private static void rerate(AtomicReference<TokenBucket> bucket, long rate, Rate line) {
        if (rate <= 0) {
            bucket.set(null);
        } else if (bucket.get() == null) {
            bucket.set(TokenBucket.empty(rate, line.burstFor(rate)));
        } else {
            bucket.get().set(rate, line.burstFor(rate));
        }
    }

    /**
     * The pacing of one new connection, or {@code null} when no line applies to it now (and none can before it
     * ends: a reload's new lines reach connections opened after it). Close it when the connection ends.
     *
     * @param client          the client's address
     * @param scope           which lines the service uses
     * @param refreshInterval how often an open connection looks its buckets up again after a reload
     */
    public ConnectionThrottle open(InetSocketAddress client, Scope scope, Duration refreshInterval) {
        byte[] ip = client.isUnresolved() || client.getAddress() == null ? null : IpAddress.of(client.getAddress());
        ConnectionThrottle throttle = new ConnectionThrottle(ip, scope, refreshInterval.toNanos());
        throttle.bind();
        return throttle;
    }

    /** Drops per-IP buckets no connection used for {@code idle}. */
    public void sweep(Duration idle) {
        if (plugin != null) {
            plugin.sweep(idle);
        }
        long now = System.nanoTime();
        for (String ip : List.copyOf(clients.keySet())) {
            // Per key and atomic with the compute that hands a bucket to a new connection.
            clients.computeIfPresent(ip, (key, buckets) -> buckets.users.get() == 0
                    && now - buckets.lastReleased > idle.toNanos() ? null : buckets);
        }
    }

    /** Per-IP buckets kept now (for tests and {@code gost check}). */
    public int clientBuckets() {
        return clients.size();
    }

    @Override
    public String toString() {
        return "TrafficLimiter[" + name + ", " + (plugin != null ? plugin : table.lines()) + "]";
    }

    /** The buckets of one client IP, shared by its connections. */
    private static final class ClientBuckets {
        volatile TokenBucket in;
        volatile TokenBucket out;
        final AtomicInteger users = new AtomicInteger();
        volatile long lastReleased = System.nanoTime();

        ClientBuckets(Rate rate) {
            rerate(rate);
        }

        synchronized void rerate(Rate rate) {
            in = rebucket(in, rate == null ? 0 : rate.in(), rate);
            out = rebucket(out, rate == null ? 0 : rate.out(), rate);
        }

        private static TokenBucket rebucket(TokenBucket bucket, long rate, Rate line) {
            if (rate <= 0) {
                return null;
            }
            if (bucket == null) {
                return TokenBucket.empty(rate, line.burstFor(rate));
            }
            bucket.set(rate, line.burstFor(rate));
            return bucket;
        }
    }

    /**
     * The buckets one connection is paced by, in both directions. Used on the connection's event loop; {@link
     * #close} once, when the connection ends.
     */
    public final class ConnectionThrottle implements ClientPacing {

        private final byte[] ip;
        private final String ipKey;
        private final Scope scope;
        private final long refreshNanos;
        private final Direction in = new Direction(true);
        private final Direction out = new Direction(false);
        private ClientBuckets client;
        private TokenBucket connIn;
        private TokenBucket connOut;
        private long boundGeneration;
        private long nextRefresh;
        private boolean closed;

        private ConnectionThrottle(byte[] ip, Scope scope, long refreshNanos) {
            this.ip = ip;
            this.ipKey = ip == null ? null : IpAddress.format(ip);
            this.scope = scope;
            this.refreshNanos = Math.max(0, refreshNanos);
        }

        /** Paces reads from the client ({@code IN}). */
        public Throttle fromClient() {
            return in;
        }

        /** Paces reads from upstream, which are written to the client ({@code OUT}). */
        public Throttle toClient() {
            return out;
        }

        /** True when some line applies to this connection now. */
        public boolean limits() {
            return in.buckets.length > 0 || out.buckets.length > 0;
        }

        /** Looks the connection's buckets up in the table in force. */
        private void bind() {
            LimitTable<Rate> current = table;
            boundGeneration = generation;
            List<TokenBucket> inBuckets = new ArrayList<>(3);
            List<TokenBucket> outBuckets = new ArrayList<>(3);
            if (scope != Scope.CONNECTION) {
                addIfPresent(inBuckets, serviceIn.get());
                addIfPresent(outBuckets, serviceOut.get());
            }
            if (scope != Scope.SERVICE) {
                Rate perConnection = current.perClient();
                connIn = rebucketConnection(connIn, perConnection == null ? 0 : perConnection.in(), perConnection);
                connOut = rebucketConnection(connOut, perConnection == null ? 0 : perConnection.out(), perConnection);
                addIfPresent(inBuckets, connIn);
                addIfPresent(outBuckets, connOut);
                Rate specific = current.specific(ip);
                if (specific != null && client == null && !closed) {
                    client = clients.compute(ipKey, (key, existing) -> {
                        ClientBuckets buckets = existing != null ? existing : new ClientBuckets(specific);
                        buckets.users.incrementAndGet();
                        return buckets;
                    });
                } else if (specific == null && client != null) {
                    release();
                }
                if (client != null) {
                    addIfPresent(inBuckets, client.in);
                    addIfPresent(outBuckets, client.out);
                }
            }
            in.buckets = inBuckets.toArray(new TokenBucket[0]);
            out.buckets = outBuckets.toArray(new TokenBucket[0]);
        }

        private TokenBucket rebucketConnection(TokenBucket bucket, long rate, Rate line) {
            if (rate <= 0) {
                return null;
            }
            if (bucket == null) {
                return TokenBucket.empty(rate, line.burstFor(rate));
            }
            bucket.set(rate, line.burstFor(rate));
            return bucket;
        }

        private void addIfPresent(List<TokenBucket> buckets, TokenBucket bucket) {
            if (bucket != null) {
                buckets.add(bucket);
            }
        }

        /** After a reload, at most every refresh interval: the buckets may have changed. */
        private void refreshIfReloaded() {
            if (generation == boundGeneration) {
                return;
            }
            long now = System.nanoTime();
            if (now - nextRefresh >= 0) {
                nextRefresh = now + refreshNanos;
                bind();
            }
        }

        private void release() {
            ClientBuckets released = client;
            client = null;
            if (released != null) {
                released.lastReleased = System.nanoTime();
                released.users.decrementAndGet();
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release();
            }
        }

        @Override
        public String toString() {
            return "ConnectionThrottle[" + name + ", " + ipKey + ", in " + in.buckets.length + " buckets, out "
                    + out.buckets.length + " buckets]";
        }

        /** One direction. */
        private final class Direction implements Throttle {
            private final boolean fromClient;
            TokenBucket[] buckets = new TokenBucket[0];

            Direction(boolean fromClient) {
                this.fromClient = fromClient;
            }

            @Override
            public long onRead(int bytes) {
                refreshIfReloaded();
                long wait = 0;
                for (TokenBucket bucket : buckets) {
                    wait = Math.max(wait, bucket.take(bytes));
                }
                return wait;
            }

            @Override
            public int readSizeLimit() {
                double slowest = Double.MAX_VALUE;
                long smallestBurst = Long.MAX_VALUE;
                for (TokenBucket bucket : buckets) {
                    slowest = Math.min(slowest, bucket.rate());
                    smallestBurst = Math.min(smallestBurst, bucket.burst());
                }
                if (buckets.length == 0) {
                    return 0;
                }
                return Throttle.chunkSize(slowest, smallestBurst);
            }

            @Override
            public String toString() {
                return (fromClient ? "in" : "out") + buckets.length;
            }
        }
    }
}
