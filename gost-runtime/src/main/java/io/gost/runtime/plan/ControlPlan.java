package io.gost.runtime.plan;

import io.gost.runtime.config.AdmissionConfig;
import io.gost.runtime.config.AutherConfig;
import io.gost.runtime.config.BypassConfig;
import io.gost.runtime.config.HostsConfig;
import io.gost.runtime.config.LimiterConfig;
import io.gost.runtime.config.QuotaConfig;
import io.gost.runtime.config.ResolverConfig;
import io.gost.runtime.dns.Nameserver;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The named control objects of a plan, each checked: authers, bypasses, admissions, limiters, host mappers and
 * resolvers. What they say inline has been read without errors; what their data sources hold is read when the
 * runtime starts them (and at every reload).
 *
 * @param authers    GOST's {@code authers}
 * @param bypasses   GOST's {@code bypasses}
 * @param admissions GOST's {@code admissions}
 * @param limiters   GOST's {@code limiters}, {@code climiters} and {@code rlimiters}
 * @param hosts      GOST's {@code hosts}
 * @param resolvers  GOST's {@code resolvers}, with their nameservers read
 * @param quotas     GOST's {@code quotas}
 */
public record ControlPlan(List<AutherConfig> authers, List<BypassConfig> bypasses, List<AdmissionConfig> admissions,
                          List<LimiterConfig> limiters, List<HostsConfig> hosts, List<Resolver> resolvers,
                          List<QuotaConfig> quotas) {

    /** None. */
    public static final ControlPlan NONE = new ControlPlan(List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of());


    public ControlPlan {
        authers = List.copyOf(authers);
        bypasses = List.copyOf(bypasses);
        admissions = List.copyOf(admissions);
        limiters = List.copyOf(limiters);
        hosts = List.copyOf(hosts);
        resolvers = List.copyOf(resolvers);
        quotas = List.copyOf(quotas);
    }

    /**
     * A resolver and its nameservers as gost-java reads them.
     *
     * @param config      as configured
     * @param nameservers read from it
     * @param chains      the chains its nameservers are asked through ({@link Nameserver#chain()}), by name
     */
    public record Resolver(ResolverConfig config, List<Nameserver> nameservers, Map<String, ChainPlan> chains) {

        public Resolver {
            Objects.requireNonNull(config, "config");
            nameservers = List.copyOf(nameservers);
            chains = Map.copyOf(chains);
        }

        /** A resolver whose nameservers are asked directly. */
        public Resolver(ResolverConfig config, List<Nameserver> nameservers) {
            this(config, nameservers, Map.of());
        }

        public String name() {
            return config.name();
        }

        /** The same resolver with the chains its nameservers name. */
        public Resolver withChains(Map<String, ChainPlan> planned) {
            return new Resolver(config, nameservers, planned);
        }
    }

    /** The same controls with {@code replaced} resolvers. */
    public ControlPlan withResolvers(List<Resolver> replaced) {
        return new ControlPlan(authers, bypasses, admissions, limiters, hosts, replaced, quotas);
    }

    public Optional<LimiterConfig> limiter(LimiterConfig.Kind kind, String name) {
        return limiters.stream().filter(l -> l.kind() == kind && l.name().equals(name)).findFirst();
    }

    public boolean isEmpty() {
        return authers.isEmpty() && bypasses.isEmpty() && admissions.isEmpty() && limiters.isEmpty() && hosts.isEmpty()
                && resolvers.isEmpty() && quotas.isEmpty();
    }
}
