package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * The control objects a service, hop or node names (each by its name, resolved when planning and looked up
 * again by name at run time, so that replacing an object reaches everyone using it).
 *
 * @param admissions admission controllers (services only): a client any of them refuses is refused
 * @param bypasses   bypasses, combined as GOST combines them (whitelists ANDed, plain ones ORed)
 * @param limiter    the traffic limiter (services only), or {@code null}
 * @param climiter   the connection limiter (services only), or {@code null}
 * @param rlimiter   the request-rate limiter (services only), or {@code null}
 * @param hosts      the host mapper, or {@code null}
 * @param resolver   the resolver, or {@code null}
 * @param quotas     quotas (services only): the service stops while any of them is used up
 */
public record ControlRefs(List<String> admissions, List<String> bypasses, String limiter, String climiter,
                          String rlimiter, String hosts, String resolver, List<String> quotas) {

    /** No references. */
    public static final ControlRefs NONE = new ControlRefs(List.of(), List.of(), null, null, null, null, null, List.of());

    /** Without quotas. */
    public ControlRefs(List<String> admissions, List<String> bypasses, String limiter, String climiter,
                       String rlimiter, String hosts, String resolver) {
        this(admissions, bypasses, limiter, climiter, rlimiter, hosts, resolver, List.of());
    }

    /** A copy naming {@code quotas}. */
    public ControlRefs withQuotas(List<String> quotas) {
        return new ControlRefs(admissions, bypasses, limiter, climiter, rlimiter, hosts, resolver, quotas);
    }

    public ControlRefs {
        quotas = Objects.requireNonNullElse(quotas, List.<String>of()).stream().map(String::trim)
                .filter(name -> !name.isEmpty()).distinct().toList();
        admissions = List.copyOf(Objects.requireNonNullElse(admissions, List.of()));
        bypasses = List.copyOf(Objects.requireNonNullElse(bypasses, List.of()));
        limiter = blankToNull(limiter);
        climiter = blankToNull(climiter);
        rlimiter = blankToNull(rlimiter);
        hosts = blankToNull(hosts);
        resolver = blankToNull(resolver);
    }

    /** Only bypasses. */
    public static ControlRefs bypasses(List<String> bypasses) {
        return new ControlRefs(List.of(), bypasses, null, null, null, null, null);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** A copy naming {@code name} as the limiter of {@code kind}. */
    public ControlRefs withLimiter(LimiterConfig.Kind kind, String name) {
        return switch (kind) {
            case TRAFFIC -> new ControlRefs(admissions, bypasses, name, climiter, rlimiter, hosts, resolver, quotas);
            case CONNECTIONS -> new ControlRefs(admissions, bypasses, limiter, name, rlimiter, hosts, resolver, quotas);
            case REQUESTS -> new ControlRefs(admissions, bypasses, limiter, climiter, name, hosts, resolver, quotas);
        };
    }

    /** The name of the limiter of {@code kind}, or {@code null}. */
    public String limiter(LimiterConfig.Kind kind) {
        return switch (kind) {
            case TRAFFIC -> limiter;
            case CONNECTIONS -> climiter;
            case REQUESTS -> rlimiter;
        };
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
