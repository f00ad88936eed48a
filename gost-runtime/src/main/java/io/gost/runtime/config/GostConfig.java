package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole configuration, whichever front end (YAML, HOCON/JSON, command line) produced it. Top-level hop
 * references are resolved by the loaders; service and chain names and references to chains and authers
 * are checked when the runtime plans the services ({@code GostRuntime.create}/{@code check}).
 *
 * @param services      what to run
 * @param chains        named chains, referenced by {@code handler.chain}
 * @param authers       named credential sets
 * @param bypasses      named target matchers, referenced by services, hops and nodes
 * @param controls      named admissions, limiters, host mappers and resolvers
 * @param log           logging
 * @param netnsProvider the network namespace provider to use ({@code netns.provider}), or {@code null}
 *                      for the default choice
 * @param hops          the top-level hops as defined (chains and forwarders hold their own resolved copies);
 *                      kept so that the configuration can be written back, and edited, as it was given
 * @param api           the Web API, or {@code null} for none
 * @param metrics       the Prometheus endpoint, or {@code null} for none
 * @param source        the file or command line it came from, for messages
 * @param tls           the top-level {@code tls} block, the default of every TLS server, or {@code null}
 */
public record GostConfig(List<ServiceConfig> services, List<ChainConfig> chains, List<AutherConfig> authers,
                         List<BypassConfig> bypasses, ControlConfigs controls, LogConfig log, String netnsProvider,
                         List<HopConfig> hops, ApiConfig api, MetricsConfig metrics, String source, TlsConfig tls) {

    public GostConfig {
        services = List.copyOf(Objects.requireNonNullElse(services, List.of()));
        chains = List.copyOf(Objects.requireNonNullElse(chains, List.of()));
        authers = List.copyOf(Objects.requireNonNullElse(authers, List.of()));
        bypasses = List.copyOf(Objects.requireNonNullElse(bypasses, List.of()));
        controls = Objects.requireNonNullElse(controls, ControlConfigs.NONE);
        log = Objects.requireNonNullElse(log, LogConfig.DEFAULT);
        hops = List.copyOf(Objects.requireNonNullElse(hops, List.of()));
        source = Objects.requireNonNullElse(source, "<built-in>");
    }

    /** A configuration without top-level hops, API, metrics, controls and {@code tls} block. */
    public GostConfig(List<ServiceConfig> services, List<ChainConfig> chains, List<AutherConfig> authers,
                      List<BypassConfig> bypasses, LogConfig log, String netnsProvider, String source) {
        this(services, chains, authers, bypasses, ControlConfigs.NONE, log, netnsProvider, List.of(), null, null,
                source, null);
    }

    /** A configuration without top-level hops, API, metrics and controls. */
    public GostConfig(List<ServiceConfig> services, List<ChainConfig> chains, List<AutherConfig> authers,
                      List<BypassConfig> bypasses, LogConfig log, String netnsProvider, String source, TlsConfig tls) {
        this(services, chains, authers, bypasses, ControlConfigs.NONE, log, netnsProvider, List.of(), null, null,
                source, tls);
    }

    /** A configuration without top-level hops, API, metrics and a top-level {@code tls} block. */
    public GostConfig(List<ServiceConfig> services, List<ChainConfig> chains, List<AutherConfig> authers,
                      List<BypassConfig> bypasses, ControlConfigs controls, LogConfig log, String netnsProvider,
                      String source) {
        this(services, chains, authers, bypasses, controls, log, netnsProvider, List.of(), null, null, source, null);
    }

    /** A configuration without top-level hops, API and metrics. */
    public GostConfig(List<ServiceConfig> services, List<ChainConfig> chains, List<AutherConfig> authers,
                      List<BypassConfig> bypasses, ControlConfigs controls, LogConfig log, String netnsProvider,
                      String source, TlsConfig tls) {
        this(services, chains, authers, bypasses, controls, log, netnsProvider, List.of(), null, null, source, tls);
    }

    /** The same configuration with another Web API and metrics endpoint ({@code -api}, {@code -metrics}). */
    public GostConfig withOperations(ApiConfig api, MetricsConfig metrics) {
        return new GostConfig(services, chains, authers, bypasses, controls, log, netnsProvider, hops, api, metrics,
                source, tls);
    }

    /** The same configuration with other services, chains, authers, bypasses, controls and hops (an API change). */
    public GostConfig withObjects(List<ServiceConfig> services, List<ChainConfig> chains, List<AutherConfig> authers,
                                  List<BypassConfig> bypasses, ControlConfigs controls, List<HopConfig> hops) {
        return new GostConfig(services, chains, authers, bypasses, controls, log, netnsProvider, hops, api, metrics,
                source, tls);
    }

    /** A configuration without bypasses (the shape before they were supported). */
    public GostConfig(List<ServiceConfig> services, List<ChainConfig> chains, List<AutherConfig> authers,
                      LogConfig log, String netnsProvider, String source) {
        this(services, chains, authers, List.of(), ControlConfigs.NONE, log, netnsProvider, List.of(), null, null,
                source, null);
    }

    /** The chain called {@code name}. */
    public Optional<ChainConfig> chain(String name) {
        return chains.stream().filter(chain -> chain.name().equals(name)).findFirst();
    }

    /** The auther called {@code name}. */
    public Optional<AutherConfig> auther(String name) {
        return authers.stream().filter(auther -> auther.name().equals(name)).findFirst();
    }

    /** The bypass called {@code name}. */
    public Optional<BypassConfig> bypass(String name) {
        return bypasses.stream().filter(bypass -> bypass.name().equals(name)).findFirst();
    }
}
