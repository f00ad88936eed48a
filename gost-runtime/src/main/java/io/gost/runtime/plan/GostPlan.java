package io.gost.runtime.plan;

import io.gost.api.NetnsRef;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.LogConfig;
import io.gost.runtime.registry.PluginRegistry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A configuration checked against the installed plugins and made into what will run: every service,
 * chain and plugin use with its factory and checked options. Made by {@link Planner}; started by
 * {@code GostRuntime}; printed by {@code gost check}.
 *
 * @param services      in configuration order
 * @param chains        every chain, used or not
 * @param controls      every auther, bypass, admission, limiter, host mapper and resolver
 * @param log           logging
 * @param netnsProvider the namespace provider named in the configuration, or {@code null}
 * @param warnings      things worth a look that do not stop the plan (a metadata key no plugin reads ...),
 *                      each prefixed with where
 * @param registry      the plugins the plan was made against
 * @param config        the configuration it was made from
 * @param operations    the Web API and the metrics endpoint
 */
public record GostPlan(List<ServicePlan> services, List<ChainPlan> chains, ControlPlan controls, LogConfig log,
                       String netnsProvider, List<String> warnings, PluginRegistry registry, GostConfig config,
                       OperationsPlan operations) {

    /** A plan without operator endpoints. */
    public GostPlan(List<ServicePlan> services, List<ChainPlan> chains, ControlPlan controls, LogConfig log,
                    String netnsProvider, List<String> warnings, PluginRegistry registry, GostConfig config) {
        this(services, chains, controls, log, netnsProvider, warnings, registry, config, OperationsPlan.NONE);
    }

    public GostPlan {
        operations = Objects.requireNonNullElse(operations, OperationsPlan.NONE);
        services = List.copyOf(services);
        chains = List.copyOf(chains);
        controls = Objects.requireNonNullElse(controls, ControlPlan.NONE);
        Objects.requireNonNull(log, "log");
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(config, "config");
    }

    /** The service called {@code name}. */
    public Optional<ServicePlan> service(String name) {
        return services.stream().filter(service -> service.name().equals(name)).findFirst();
    }

    /** Every namespace any service creates sockets in. */
    public Set<NetnsRef> namespaces() {
        Set<NetnsRef> all = new LinkedHashSet<>();
        services.forEach(service -> all.addAll(service.namespaces()));
        chains.forEach(chain -> chain.hops().forEach(hop -> hop.nodes().forEach(node -> {
            if (node.netns() != null) {
                all.add(node.netns());
            }
        })));
        return all;
    }
}
