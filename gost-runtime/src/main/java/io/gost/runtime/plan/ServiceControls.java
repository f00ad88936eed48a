package io.gost.runtime.plan;

import io.gost.runtime.chain.Outbound;
import io.gost.runtime.limit.TrafficLimiter;
import io.gost.runtime.match.AddressPatterns;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a service asks of the control objects, checked: which ones it names, and its own options for them.
 *
 * @param admissions      admissions by name; a client any of them refuses is refused
 * @param bypasses        bypasses by name, combined as GOST combines them
 * @param limiter         traffic limiter by name, or {@code null}
 * @param limiterScope    which of its lines the service uses ({@code limiter.scope})
 * @param limiterRefresh  how soon open connections see a reload's new buckets ({@code limiter.refreshInterval})
 * @param limiterCleanup  how long idle per-client buckets are kept ({@code limiter.cleanupInterval})
 * @param climiter        connection limiter by name, or {@code null}
 * @param rlimiter        request-rate limiter by name, or {@code null}
 * @param hosts           host mapper for targets by name, or {@code null}
 * @param resolver        resolver for targets by name, or {@code null}
 * @param skipauth        client addresses let in without credentials (the handler's {@code skipauth})
 * @param outbound        interface and socket mark of direct dials
 * @param clientLimiter   the handler's own traffic limiter ({@code handler.limiter}), or {@code null}
 * @param quotas          quotas by name: while any is used up, the service stops carrying traffic
 */
public record ServiceControls(List<String> admissions, List<String> bypasses, String limiter,
                              TrafficLimiter.Scope limiterScope, Duration limiterRefresh, Duration limiterCleanup,
                              String climiter, String rlimiter, String hosts, String resolver,
                              AddressPatterns skipauth, Outbound outbound, ClientLimiter clientLimiter,
                              List<String> quotas) {

    /**
     * A handler's own traffic limiter (GOST's {@code handler.limiter}): a limiter plugin asked per client (scope
     * {@code client}: the authenticated user, or "" for clients that gave none).
     *
     * @param name            the limiter's name
     * @param refreshInterval how long an answer is kept (the handler's {@code limiter.refreshInterval})
     * @param cleanupInterval how long an answer nobody uses is kept (the handler's {@code limiter.cleanupInterval})
     */
    public record ClientLimiter(String name, Duration refreshInterval, Duration cleanupInterval) {
        public ClientLimiter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            Objects.requireNonNull(cleanupInterval, "cleanupInterval");
        }
    }

    /** GOST's defaults for a service's limiter options. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CLEANUP = Duration.ofSeconds(60);

    /** Nothing named, GOST's defaults. */
    public static final ServiceControls NONE = new ServiceControls(List.of(), List.of(), null,
            TrafficLimiter.Scope.ALL, DEFAULT_REFRESH, DEFAULT_CLEANUP, null, null, null, null, AddressPatterns.empty(),
            Outbound.NONE, null, List.of());

    /** Without quotas. */
    public ServiceControls(List<String> admissions, List<String> bypasses, String limiter,
                           TrafficLimiter.Scope limiterScope, Duration limiterRefresh, Duration limiterCleanup,
                           String climiter, String rlimiter, String hosts, String resolver,
                           AddressPatterns skipauth, Outbound outbound, ClientLimiter clientLimiter) {
        this(admissions, bypasses, limiter, limiterScope, limiterRefresh, limiterCleanup, climiter, rlimiter, hosts,
                resolver, skipauth, outbound, clientLimiter, List.of());
    }

    public ServiceControls {
        admissions = List.copyOf(admissions);
        bypasses = List.copyOf(bypasses);
        quotas = List.copyOf(java.util.Objects.requireNonNullElse(quotas, List.of()));
        Objects.requireNonNull(limiterScope, "limiterScope");
        Objects.requireNonNull(limiterRefresh, "limiterRefresh");
        Objects.requireNonNull(limiterCleanup, "limiterCleanup");
        Objects.requireNonNull(skipauth, "skipauth");
        Objects.requireNonNull(outbound, "outbound");
    }

    /** True when the service names no control object and changes nothing of the defaults. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
