package io.gost.runtime.limit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.gost.runtime.control.HttpPluginClient;
import io.gost.runtime.control.PluginClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A traffic limiter whose rates come from GOST's limiter plugin: the plugin is asked
 * {@code {"service","scope","network","addr","client","src"}} and answers {@code {"in": N, "out": N}} bytes per
 * second, 0 or less meaning no limit in that direction.
 *
 * <p>What is asked, as GOST's service and handler wrappers ask it:
 * <ul>
 *   <li>scope {@code service}: one answer, and one bucket per direction, for all connections of a service (its
 *       {@code $});</li>
 *   <li>scope {@code conn}: one per connection, with {@code src} = the client's {@code ip:port};</li>
 *   <li>scope {@code client} (a handler's own {@code handler.limiter}): one per client id (the authenticated user,
 *       or "" for clients that gave none) and service, with the first connection's target in {@code addr}.</li>
 * </ul>
 * An answer is kept for the service's {@code limiter.refreshInterval} (GOST's 30 s by default) and asked again
 * when a connection using it moves bytes after that; an unchanged rate keeps its bucket, a changed one re-rates it
 * in place, so a changed answer takes effect within one refresh interval. An answer that cannot be had (plugin
 * down, not JSON, not numbers) keeps the rates in force (none before the first answer) until the next refresh.
 *
 * <p>Until its first answers come (or the plugin fails), a connection is held by its user ({@link Paced#ready}),
 * as GOST's first read waits for them; nothing blocks. Bytes that moved before anyway are charged to the buckets
 * the answer gives.
 *
 * <p>Differences from GOST, on purpose: one question answers both directions (GOST posts the same question twice,
 * once for {@code in} and once for {@code out}); a plugin that cannot be asked is asked again after the refresh
 * interval, not at every read (each of which GOST holds for the plugin's timeout).
 */
public final class PluginLimits {

    private final String limiterName;
    private final PluginClient client;
    /** Shared answers: a service's {@code $} and its handler's per-client ones, by service and key. */
    private final Map<String, Answer> shared = new ConcurrentHashMap<>();

    /**
     * @param limiterName the limiter's name, for messages
     * @param client      asks the plugin
     */
    public PluginLimits(String limiterName, PluginClient client) {
        this.limiterName = Objects.requireNonNull(limiterName, "limiterName");
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Where the plugin is, for {@code gost check} and logs. */
    public String address() {
        return client.address();
    }

    /**
     * The pacing of a new connection by a service's limiter ({@code $} and the connection, as {@code scope}
     * allows), or {@code null} when every answer it uses is known and none limits.
     *
     * @param service the service's name
     * @param network {@code tcp} or {@code udp}
     * @param remote  the client's address
     */
    public Paced openForService(String service, String network, InetSocketAddress remote, TrafficLimiter.Scope scope,
                                Duration refreshInterval) {
        Answer serviceAnswer = null;
        Answer connAnswer = null;
        if (scope != TrafficLimiter.Scope.CONNECTION) {
            serviceAnswer = sharedAnswer(service + "\u0000$", HttpPluginClient.object("service", service, "scope",
                    "service", "network", network, "addr", "", "client", "", "src", ""), refreshInterval);
        }
        if (scope != TrafficLimiter.Scope.SERVICE) {
            connAnswer = new Answer(HttpPluginClient.object("service", service, "scope", "conn", "network", network,
                    "addr", "", "client", "", "src", hostAndPort(remote)), refreshInterval);
            connAnswer.users.incrementAndGet();
            connAnswer.ask();
        }
        return paced(serviceAnswer == null ? new Answer[] {connAnswer}
                : connAnswer == null ? new Answer[] {serviceAnswer} : new Answer[] {serviceAnswer, connAnswer});
    }

    /**
     * The pacing of a connection by a handler's own limiter ({@code handler.limiter}, GOST's scope
     * {@code client}), or {@code null} when the client's answer is known and does not limit.
     *
     * @param service  the service's name
     * @param clientId the authenticated client's id, or "" when it gave none
     * @param network  {@code tcp} or {@code udp}
     * @param target   the target the client asked for, {@code host:port}
     * @param remote   the client's address
     */
    public Paced openForClient(String service, String clientId, String network, String target,
                               InetSocketAddress remote, Duration refreshInterval) {
        String id = clientId == null ? "" : clientId;
        Answer answer = sharedAnswer(service + "\u0000client\u0000" + id, HttpPluginClient.object("service", service,
                "scope", "client", "network", network, "addr", target, "client", id, "src", hostAndPort(remote)),
                refreshInterval);
        return paced(new Answer[] {answer});
    }

    private Paced paced(Answer[] answers) {
        boolean limits = false;
        boolean known = true;
        for (Answer answer : answers) {
            known &= answer.answered;
            limits |= answer.in != null || answer.out != null;
        }
        Paced paced = new Paced(answers);
        if (known && !limits) {
            paced.close();
            return null;
        }
        return paced;
    }

    /** A shared answer, asked now if it is new; counted as used until the connection closes. */
    private Answer sharedAnswer(String key, String question, Duration refreshInterval) {
        Answer answer = shared.compute(key, (k, existing) -> {
            Answer kept = existing != null ? existing : new Answer(question, refreshInterval);
            kept.users.incrementAndGet();
            return kept;
        });
        answer.refreshIfDue(System.nanoTime());
        return answer;
    }

    /** Drops shared answers no connection used for {@code idle} (GOST's {@code limiter.cleanupInterval}). */
    public void sweep(Duration idle) {
        long now = System.nanoTime();
        for (String key : List.copyOf(shared.keySet())) {
            shared.computeIfPresent(key, (k, answer) -> answer.users.get() == 0
                    && now - answer.lastReleased > idle.toNanos() ? null : answer);
        }
    }

    /** Shared answers kept now (for tests). */
    public int sharedAnswers() {
        return shared.size();
    }

    private static String hostAndPort(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return "PluginLimits[" + limiterName + ", " + client.address() + "]";
    }

    /** One question and the buckets its latest answer gave. */
    private final class Answer {
        final String question;
        final long refreshNanos;
        final AtomicBoolean asking = new AtomicBoolean();
        final AtomicInteger users = new AtomicInteger();
        volatile long lastReleased = System.nanoTime();
        volatile TokenBucket in;
        volatile TokenBucket out;
        /** True once the plugin answered or could not: until then bytes are counted, not paced. */
        volatile boolean answered;
        /** When to ask again; asked at once when new. */
        volatile long expires = System.nanoTime();
        /** Completes with the first answer (or failure). */
        final CompletableFuture<Void> first = new CompletableFuture<>();

        Answer(String question, Duration refreshInterval) {
            this.question = question;
            // GOST's cache: at least a second.
            this.refreshNanos = Math.max(Duration.ofSeconds(1).toNanos(), refreshInterval.toNanos());
        }

        void refreshIfDue(long now) {
            if (now - expires >= 0 && asking.compareAndSet(false, true)) {
                ask();
            }
        }

        void ask() {
            asking.set(true);
            client.post(question, "not limiting by it until it answers").whenComplete((reply, error) -> {
                if (error == null) {
                    try {
                        long inRate = rate(reply, "in");
                        long outRate = rate(reply, "out");
                        in = rebucket(in, inRate);
                        out = rebucket(out, outRate);
                    } catch (IllegalArgumentException e) {
                        // GOST: an answer it cannot decode changes nothing; the log line says why once
                        org.slf4j.LoggerFactory.getLogger(PluginLimits.class).warn("limiter {}: {} answered {}; {}",
                                limiterName, client.address(), e.getMessage(), "keeping the rates in force");
                    }
                }
                expires = System.nanoTime() + refreshNanos;
                answered = true;
                asking.set(false);
                first.complete(null);
            });
        }

        void release() {
            lastReleased = System.nanoTime();
            users.decrementAndGet();
        }
    }

    /** {@code in} or {@code out} of an answer: a whole number; absent is 0 (no limit). */
    private static long rate(Config reply, String field) {
        if (!reply.hasPath(field)) {
            return 0;
        }
        if (reply.getValue(field).valueType() != ConfigValueType.NUMBER) {
            throw new IllegalArgumentException("'" + field + "' that is not a number: " + reply.getValue(field)
                    .render());
        }
        return reply.getLong(field);
    }

    private static TokenBucket rebucket(TokenBucket bucket, long rate) {
        if (rate <= 0) {
            return null;
        }
        if (bucket == null) {
            return TokenBucket.empty(rate, rate); // GOST's plugin limiter: burst = rate
        }
        if (bucket.rate() != rate) {
            bucket.set(rate, rate);
        }
        return bucket;
    }

    /** The pacing of one connection by a few answers; used on its event loop, closed once when it ends. */
    public final class Paced implements ClientPacing {
        private final Answer[] answers;
        private final Direction fromClient;
        private final Direction toClient;
        private boolean closed;

        private Paced(Answer[] answers) {
            this.answers = answers;
            this.fromClient = new Direction(true);
            this.toClient = new Direction(false);
        }

        /** Paces reads from the client ({@code in}). */
        public Throttle fromClient() {
            return fromClient;
        }

        /**
         * Completes, on the plugin client's thread, once every answer this connection is paced by came (or could
         * not be had); complete already when they are known. Until then its user moves nothing.
         */
        @Override
        public CompletableFuture<Void> ready() {
            if (answers.length == 1) {
                return answers[0].first;
            }
            CompletableFuture<?>[] firsts = new CompletableFuture<?>[answers.length];
            for (int i = 0; i < answers.length; i++) {
                firsts[i] = answers[i].first;
            }
            return CompletableFuture.allOf(firsts);
        }

        /** Paces what is written to the client ({@code out}). */
        public Throttle toClient() {
            return toClient;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                for (Answer answer : answers) {
                    answer.release();
                }
            }
        }

        @Override
        public String toString() {
            return "PluginLimits.Paced[" + limiterName + ", " + answers.length + " answers]";
        }

        /** One direction: the buckets of every answer; allocation-free per chunk. */
        private final class Direction implements Throttle {
            private final boolean in;
            /** Bytes that passed before an answer came, charged to its bucket when it does. */
            private final long[] unpaid;

            Direction(boolean in) {
                this.in = in;
                this.unpaid = new long[answers.length];
            }

            @Override
            public long onRead(int bytes) {
                long now = System.nanoTime();
                long wait = 0;
                for (int i = 0; i < answers.length; i++) {
                    Answer answer = answers[i];
                    answer.refreshIfDue(now);
                    if (!answer.answered) {
                        unpaid[i] += bytes; // moved before the first answer: charged when it comes
                        continue;
                    }
                    TokenBucket bucket = in ? answer.in : answer.out;
                    long owed = bytes + unpaid[i];
                    unpaid[i] = 0;
                    if (bucket != null) {
                        wait = Math.max(wait, bucket.take(owed));
                    }
                }
                return wait;
            }

            @Override
            public int readSizeLimit() {
                double slowest = Double.MAX_VALUE;
                boolean any = false;
                for (Answer answer : answers) {
                    TokenBucket bucket = in ? answer.in : answer.out;
                    if (bucket != null) {
                        any = true;
                        slowest = Math.min(slowest, bucket.rate());
                    }
                }
                if (!any) {
                    return 0;
                }
                // A sixteenth of a second's worth, as the table limiter's buckets (and nothing from 2 MB/s on).
                return Throttle.chunkSize(slowest, Long.MAX_VALUE);
            }

            @Override
            public String toString() {
                return (in ? "in" : "out") + answers.length;
            }
        }
    }
}
