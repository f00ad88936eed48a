package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The named control objects of a configuration that services, hops and nodes refer to: admissions,
 * limiters of the three kinds, host mappers, resolvers and quotas. (Authers and bypasses are older and live in
 * {@link GostConfig} itself.)
 *
 * @param admissions GOST's {@code admissions}
 * @param limiters   GOST's {@code limiters}, {@code climiters} and {@code rlimiters}, each with its kind
 * @param hosts      GOST's {@code hosts}
 * @param resolvers  GOST's {@code resolvers}
 * @param quotas     GOST's {@code quotas}
 */
public record ControlConfigs(List<AdmissionConfig> admissions, List<LimiterConfig> limiters, List<HostsConfig> hosts,
                             List<ResolverConfig> resolvers, List<QuotaConfig> quotas) {

    /** None at all. */
    public static final ControlConfigs NONE = new ControlConfigs(List.of(), List.of(), List.of(), List.of(), List.of());

    public ControlConfigs {
        admissions = List.copyOf(Objects.requireNonNullElse(admissions, List.of()));
        limiters = List.copyOf(Objects.requireNonNullElse(limiters, List.of()));
        hosts = List.copyOf(Objects.requireNonNullElse(hosts, List.of()));
        resolvers = List.copyOf(Objects.requireNonNullElse(resolvers, List.of()));
        quotas = List.copyOf(Objects.requireNonNullElse(quotas, List.of()));
    }

    /** Without quotas. */
    public ControlConfigs(List<AdmissionConfig> admissions, List<LimiterConfig> limiters, List<HostsConfig> hosts,
                          List<ResolverConfig> resolvers) {
        this(admissions, limiters, hosts, resolvers, List.of());
    }

    public boolean isEmpty() {
        return admissions.isEmpty() && limiters.isEmpty() && hosts.isEmpty() && resolvers.isEmpty()
                && quotas.isEmpty();
    }

    public Optional<QuotaConfig> quota(String name) {
        return quotas.stream().filter(q -> q.name().equals(name)).findFirst();
    }

    /** The limiters of one kind, in configuration order. */
    public List<LimiterConfig> limiters(LimiterConfig.Kind kind) {
        return limiters.stream().filter(limiter -> limiter.kind() == kind).toList();
    }

    public Optional<AdmissionConfig> admission(String name) {
        return admissions.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<LimiterConfig> limiter(LimiterConfig.Kind kind, String name) {
        return limiters.stream().filter(l -> l.kind() == kind && l.name().equals(name)).findFirst();
    }

    public Optional<HostsConfig> hostsMapper(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public Optional<ResolverConfig> resolver(String name) {
        return resolvers.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
