package io.gost.runtime.control;

import io.gost.api.Transport;
import io.gost.runtime.admission.Admission;
import io.gost.runtime.auth.Auther;
import io.gost.runtime.auth.CredentialCheck;
import io.gost.runtime.auth.HttpAuthPlugin;
import io.gost.runtime.bypass.Bypass;
import io.gost.runtime.chain.SocketPlacement;
import io.gost.runtime.config.AdmissionConfig;
import io.gost.runtime.config.AutherConfig;
import io.gost.runtime.config.BypassConfig;
import io.gost.runtime.config.HostsConfig;
import io.gost.runtime.config.LimiterConfig;
import io.gost.runtime.dns.HostMapper;
import io.gost.runtime.dns.Nameserver;
import io.gost.runtime.dns.Resolver;
import io.gost.runtime.plan.ChainPlan;
import io.gost.runtime.chain.ChainRouter;
import io.gost.runtime.limit.ConnectionLimiter;
import io.gost.runtime.limit.Count;
import io.gost.runtime.limit.LimitTable;
import io.gost.runtime.limit.RequestLimiter;
import io.gost.runtime.limit.TrafficLimiter;
import io.gost.runtime.limit.quota.Quotas;
import io.gost.runtime.match.AddressPatterns;
import io.gost.runtime.plan.ControlPlan;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running control objects of a runtime, each registered by name in its kind's {@link Registry}: authers,
 * bypasses, admissions, the three kinds of limiters, host mappers and resolvers. Services, hops and nodes hold
 * {@link Registry.Ref}s to them, so an object replaced here (a reload, the web API: {@link #put} with a new
 * configuration) reaches everyone using it at the next connection or check, and an object whose data sources
 * change is recompiled in place by its {@link Reloader}.
 *
 * <p>Data sources are read on the {@link ControlScheduler}'s thread; the first read of each object happens in
 * {@link #put}, on the caller's thread, so that rules are in place before any service accepts.
 */
public final class ControlServices implements AutoCloseable {

    /** How often idle per-client limiter state is swept, at the longest. */
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(10);

    private final ControlScheduler scheduler;
    private final Transport transport;
    private final SocketPlacement placement;
    private final Admission.NameLookup names;

    private final Registry<CredentialCheck> authers = new Registry<>("auther");
    private final Registry<Bypass> bypasses = new Registry<>("bypass");
    private final Registry<Admission> admissions = new Registry<>("admission");
    private final Registry<TrafficLimiter> limiters = new Registry<>("limiter");
    private final Registry<ConnectionLimiter> climiters = new Registry<>("climiter");
    private final Registry<RequestLimiter> rlimiters = new Registry<>("rlimiter");
    private final Registry<HostMapper> hosts = new Registry<>("hosts");
    private final Registry<Resolver> resolvers = new Registry<>("resolver");
    /** The runtime's quotas (they outlive plans); this plan's hold on those it names. */
    private final Quotas quotas;
    private final boolean ownsQuotas;
    private final java.util.List<String> heldQuotas = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What keeps each object up to date, or the plugin client it asks (closed with it), by kind and name. */
    private final Map<String, AutoCloseable> lifecycles = new ConcurrentHashMap<>();
    private final Map<String, Duration> cleanupIntervals = new ConcurrentHashMap<>();
    private volatile NameserverChains nameserverChains = NameserverChains.NONE;

    /** Makes the routes through the chains that resolvers' nameservers are asked through. */
    @FunctionalInterface
    public interface NameserverChains {

        /** No chains: a nameserver that names one fails its queries, naming the chain. */
        NameserverChains NONE = (resolver, nameserver, chain) -> null;

        /**
         * The route through {@code chain} for {@code nameserver} of resolver {@code resolver}, built with these
         * controls (its nodes' hosts and resolvers), or {@code null} when there is none.
         */
        ChainRouter route(String resolver, Nameserver nameserver, ChainPlan chain);
    }

    /**
     * @param scheduler the control thread (owned by the caller)
     * @param transport for resolvers' sockets
     * @param placement creates resolvers' sockets in the dial's namespace
     * @param names     looks up the host names of admissions
     */
    public ControlServices(ControlScheduler scheduler, Transport transport, SocketPlacement placement,
                           Admission.NameLookup names) {
        this(scheduler, transport, placement, names, null);
    }

    /**
     * @param quotas the runtime's quotas, which outlive this plan's control objects; {@code null} for quotas of
     *               these control objects' own (closed with them)
     */
    public ControlServices(ControlScheduler scheduler, Transport transport, SocketPlacement placement,
                           Admission.NameLookup names, Quotas quotas) {
        this.ownsQuotas = quotas == null;
        this.quotas = quotas != null ? quotas : new Quotas();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.transport = transport;
        this.placement = Objects.requireNonNull(placement, "placement");
        this.names = Objects.requireNonNull(names, "names");
        scheduler.every(SWEEP_PERIOD, "sweeping idle limiter state", this::sweep);
    }

    /** Sets how resolvers started from now on reach the nameservers that name a chain. */
    public void routeNameserversWith(NameserverChains chains) {
        this.nameserverChains = Objects.requireNonNull(chains, "chains");
    }

    /** Starts every object of {@code plan}. */
    public void start(ControlPlan plan) {
        plan.authers().forEach(this::put);
        plan.bypasses().forEach(this::put);
        plan.admissions().forEach(this::put);
        plan.limiters().forEach(this::put);
        plan.hosts().forEach(this::put);
        plan.resolvers().forEach(this::put);
        quotas.hold(plan.quotas());
        plan.quotas().forEach(quota -> heldQuotas.add(quota.name()));
    }

    /** The runtime's quotas (shared with the plans before and after this one). */
    public Quotas quotas() {
        return quotas;
    }

    public Registry<CredentialCheck> authers() {
        return authers;
    }

    public Registry<Bypass> bypasses() {
        return bypasses;
    }

    public Registry<Admission> admissions() {
        return admissions;
    }

    public Registry<TrafficLimiter> limiters() {
        return limiters;
    }

    public Registry<ConnectionLimiter> climiters() {
        return climiters;
    }

    public Registry<RequestLimiter> rlimiters() {
        return rlimiters;
    }

    public Registry<HostMapper> hosts() {
        return hosts;
    }

    public Registry<Resolver> resolvers() {
        return resolvers;
    }

    /** Keeps the per-client state of {@code limiter} for at least {@code interval} (a service's cleanupInterval). */
    public void keepClientState(String limiter, Duration interval) {
        cleanupIntervals.merge(limiter, interval, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    // ---- starting and replacing objects ----------------------------------------------------------------

    /** Starts (or replaces) an auther: its users loaded now, then every {@code reload}. */
    public void put(AutherConfig config) {
        String owner = "auther " + config.name();
        if (config.plugin() != null) {
            // The plugin's client (a gRPC channel) is closed with the auther: replaced, removed or at stop.
            HttpAuthPlugin plugin = new HttpAuthPlugin(config.name(), config.plugin());
            close(authers.put(config.name(), plugin));
            replace("auther", config.name(), plugin);
            return;
        }
        Auther auther = new Auther(config.name(), Auther.table(config.auths(), java.util.List.of()));
        Reloader reloader = new Reloader(owner, java.util.List.of(),
                new SourceReader(owner, config.sources(), SourceReader.RedisShape.HASH),
                lines -> auther.update(Auther.table(config.auths(), lines.sourced())));
        start("auther", config.name(), reloader);
        close(authers.put(config.name(), auther));
    }

    /** Starts (or replaces) a bypass. */
    public void put(BypassConfig config) {
        String owner = "bypass " + config.name();
        if (config.plugin() != null) {
            PluginClient client = PluginClient.of(PluginClient.Kind.BYPASS, owner, config.plugin());
            bypasses.put(config.name(), Bypass.plugin(config.name(), client));
            replace("bypass", config.name(), client);
            return;
        }
        Bypass bypass = new Bypass(config.name(), new Bypass.Rules(config.whitelist(), config.network(),
                AddressPatterns.compile(config.matchers())));
        Reloader reloader = new Reloader(owner, config.matchers(),
                new SourceReader(owner, config.sources(), SourceReader.RedisShape.LINES),
                lines -> bypass.update(new Bypass.Rules(config.whitelist(), config.network(),
                        AddressPatterns.compileLenient(stripComments(lines.all()), lines.rejected()))));
        start("bypass", config.name(), reloader);
        bypasses.put(config.name(), bypass);
    }

    /** Starts (or replaces) an admission; its host names are resolved now and at every reload. */
    public void put(AdmissionConfig config) {
        String owner = "admission " + config.name();
        if (config.plugin() != null) {
            PluginClient client = PluginClient.of(PluginClient.Kind.ADMISSION, owner, config.plugin());
            admissions.put(config.name(), Admission.plugin(config.name(), client));
            replace("admission", config.name(), client);
            return;
        }
        Admission admission = new Admission(config.name(), new Admission.Rules(config.whitelist(),
                io.gost.runtime.match.AddressTable.empty()));
        Reloader reloader = new Reloader(owner, config.matchers(),
                new SourceReader(owner, config.sources(), SourceReader.RedisShape.LINES),
                lines -> admission.update(Admission.compile(config.whitelist(), lines.all(), names, lines.rejected())));
        start("admission", config.name(), reloader);
        admissions.put(config.name(), admission);
    }

    /** Starts (or replaces) a limiter of any kind. */
    public void put(LimiterConfig config) {
        String owner = config.kind().reference() + " " + config.name();
        SourceReader reader = new SourceReader(owner, config.sources(), SourceReader.RedisShape.LINES);
        switch (config.kind()) {
            case TRAFFIC -> {
                if (config.plugin() != null) {
                    PluginClient client = PluginClient.of(PluginClient.Kind.LIMITER, owner, config.plugin());
                    limiters.put(config.name(), TrafficLimiter.plugin(config.name(), client));
                    replace("limiter", config.name(), client);
                    return;
                }
                TrafficLimiter limiter = new TrafficLimiter(config.name(), LimitTable.empty());
                start("limiter", config.name(), new Reloader(owner, config.limits(), reader, lines -> limiter.update(
                        LimitTable.compile(lines.all(), TrafficLimiter.Rate::parse, lines.rejected()))));
                limiters.put(config.name(), limiter);
            }
            case CONNECTIONS -> {
                ConnectionLimiter limiter = new ConnectionLimiter(config.name(), LimitTable.empty());
                start("climiter", config.name(), new Reloader(owner, config.limits(), reader, lines -> limiter.update(
                        LimitTable.compile(lines.all(), Count::connections, lines.rejected()))));
                climiters.put(config.name(), limiter);
            }
            case REQUESTS -> {
                RequestLimiter limiter = new RequestLimiter(config.name(), LimitTable.empty());
                start("rlimiter", config.name(), new Reloader(owner, config.limits(), reader, lines -> limiter.update(
                        LimitTable.compile(lines.all(), Count::requests, lines.rejected()))));
                rlimiters.put(config.name(), limiter);
            }
        }
    }

    /** Starts (or replaces) a host mapper. */
    public void put(HostsConfig config) {
        String owner = "hosts " + config.name();
        if (config.plugin() != null) {
            PluginClient client = PluginClient.of(PluginClient.Kind.HOSTS, owner, config.plugin());
            hosts.put(config.name(), HostMapper.plugin(config.name(), client));
            replace("hosts", config.name(), client);
            return;
        }
        HostMapper mapper = new HostMapper(config.name(), Map.of());
        start("hosts", config.name(), new Reloader(owner, java.util.List.of(),
                new SourceReader(owner, config.sources(), SourceReader.RedisShape.LINES),
                lines -> mapper.update(HostMapper.table(config.mappings(), lines.sourced(), lines.rejected()))));
        hosts.put(config.name(), mapper);
    }

    /** Starts (or replaces) a resolver. */
    public void put(ControlPlan.Resolver plan) {
        PluginClient client = plan.config().plugin() == null ? null
                : PluginClient.of(PluginClient.Kind.RESOLVER, "resolver " + plan.name(), plan.config().plugin());
        Resolver resolver = client != null ? Resolver.plugin(plan.name(), client)
                : new Resolver(plan.name(), plan.nameservers(), transport, placement, nameserver -> {
                    ChainPlan chain = plan.chains().get(nameserver.chain());
                    return chain == null ? null : nameserverChains.route(plan.name(), nameserver, chain);
                });
        close(resolvers.put(plan.name(), resolver));
        replace("resolver", plan.name(), client);
    }

    /**
     * Removes the object of {@code kind} ({@code auther}, {@code bypass} ...) called {@code name}; its users
     * see it missing from now on.
     */
    public void remove(String kind, String name) {
        replace(kind, name, null);
        Object removed = switch (kind) {
            case "auther" -> authers.remove(name);
            case "bypass" -> bypasses.remove(name);
            case "admission" -> admissions.remove(name);
            case "limiter" -> limiters.remove(name);
            case "climiter" -> climiters.remove(name);
            case "rlimiter" -> rlimiters.remove(name);
            case "hosts" -> hosts.remove(name);
            case "resolver" -> resolvers.remove(name);
            default -> throw new IllegalArgumentException("no control objects of kind '" + kind + "'");
        };
        close(removed);
    }

    private void start(String kind, String name, Reloader reloader) {
        reloader.load();
        reloader.schedule(scheduler);
        replace(kind, name, reloader);
    }

    private void replace(String kind, String name, AutoCloseable lifecycle) {
        AutoCloseable old = lifecycle == null ? lifecycles.remove(kind + " " + name)
                : lifecycles.put(kind + " " + name, lifecycle);
        close(old);
    }

    private static void close(Object object) {
        if (object instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing a reload schedule or a resolver cannot fail in a way anyone could act on
            }
        }
    }

    private void sweep() {
        for (String name : limiters.names()) {
            limiters.get(name).ifPresent(limiter -> limiter.sweep(cleanupIntervals.getOrDefault(name,
                    Duration.ofSeconds(60))));
        }
        for (String name : rlimiters.names()) {
            rlimiters.get(name).ifPresent(limiter -> limiter.sweep(Duration.ofSeconds(60)));
        }
    }

    private static java.util.List<String> stripComments(java.util.List<String> lines) {
        java.util.List<String> stripped = new java.util.ArrayList<>(lines.size());
        for (String line : lines) {
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!text.isEmpty()) {
                stripped.add(text);
            }
        }
        return stripped;
    }

    @Override
    public void close() {
        lifecycles.values().forEach(ControlServices::close);
        lifecycles.clear();
        for (String name : resolvers.names()) {
            close(resolvers.remove(name));
        }
        quotas.release(heldQuotas);
        heldQuotas.clear();
        if (ownsQuotas) {
            quotas.close();
        }
    }
}
