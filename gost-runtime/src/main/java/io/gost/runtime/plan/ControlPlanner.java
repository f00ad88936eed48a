package io.gost.runtime.plan;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.runtime.admission.Admission;
import io.gost.runtime.chain.Outbound;
import io.gost.runtime.config.AdmissionConfig;
import io.gost.runtime.config.AutherConfig;
import io.gost.runtime.config.BypassConfig;
import io.gost.runtime.config.ControlRefs;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.HostsConfig;
import io.gost.runtime.config.KeyOrigins;
import io.gost.runtime.config.LimiterConfig;
import io.gost.runtime.config.Origin;
import io.gost.runtime.config.QuotaConfig;
import io.gost.runtime.config.ResolverConfig;
import io.gost.runtime.dns.HostMapper;
import io.gost.runtime.dns.Nameserver;
import io.gost.runtime.limit.Count;
import io.gost.runtime.limit.LimitTable;
import io.gost.runtime.limit.TrafficLimiter;
import io.gost.runtime.match.AddressPatterns;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The planner's part for control objects: checks every auther, bypass, admission, limiter, host mapper and
 * resolver (what they say inline, their data sources' settings), and every reference to them from services,
 * hops and nodes, so that a name that does not exist, a limit that cannot be read or an interface that is not
 * there is an error with file:line before anything starts.
 */
final class ControlPlanner {

    private final GostConfig config;
    private final List<String> problems;
    private final HostInterfaces interfaces;
    private final Map<String, AutherConfig> authers = new LinkedHashMap<>();
    private final Map<String, BypassConfig> bypasses = new LinkedHashMap<>();
    private final Map<String, AdmissionConfig> admissions = new LinkedHashMap<>();
    private final Map<String, LimiterConfig> limiters = new LinkedHashMap<>();
    private final Map<String, HostsConfig> hosts = new LinkedHashMap<>();
    private final Map<String, ControlPlan.Resolver> resolvers = new LinkedHashMap<>();
    private final Map<String, QuotaConfig> quotas = new LinkedHashMap<>();

    ControlPlanner(GostConfig config, List<String> problems, HostInterfaces interfaces) {
        this.config = config;
        this.problems = problems;
        this.interfaces = interfaces;
    }

    /** Checks the named objects; the plan of those without problems. */
    ControlPlan plan() {
        for (AutherConfig auther : config.authers()) {
            if (unique(authers, auther.name(), "an auther", auther.origin())) {
                checkAuther(auther);
                authers.put(auther.name(), auther);
            }
        }
        for (BypassConfig bypass : config.bypasses()) {
            if (unique(bypasses, bypass.name(), "a bypass", bypass.origin())) {
                if (bypass.plugin() != null) {
                    checkPlugin("bypass '" + bypass.name() + "'", bypass.plugin(), !bypass.matchers().isEmpty()
                            || bypass.sources().external() || bypass.whitelist() || bypass.network() != null,
                            "matchers, whitelist, network, file, redis and http");
                }
                try {
                    AddressPatterns.compile(bypass.matchers());
                } catch (IllegalArgumentException e) {
                    problem(bypass.origin().child("matchers"), "bypass '" + bypass.name() + "': " + e.getMessage());
                }
                bypasses.put(bypass.name(), bypass);
            }
        }
        for (AdmissionConfig admission : config.controls().admissions()) {
            if (unique(admissions, admission.name(), "an admission", admission.origin())) {
                if (admission.plugin() != null) {
                    checkPlugin("admission '" + admission.name() + "'", admission.plugin(),
                            !admission.matchers().isEmpty() || admission.sources().external() || admission.whitelist(),
                            "matchers, whitelist, file, redis and http");
                }
                for (String matcher : admission.matchers()) {
                    try {
                        Admission.check(matcher);
                    } catch (IllegalArgumentException e) {
                        problem(admission.origin().child("matchers"), "admission '" + admission.name() + "': "
                                + e.getMessage());
                    }
                }
                admissions.put(admission.name(), admission);
            }
        }
        for (LimiterConfig limiter : config.controls().limiters()) {
            String key = limiter.kind() + " " + limiter.name();
            if (limiters.containsKey(key)) {
                problem(limiter.origin(), "a " + limiter.kind().reference() + " named '" + limiter.name()
                        + "' is defined twice");
                continue;
            }
            if (limiter.plugin() != null) {
                checkPlugin("limiter '" + limiter.name() + "'", limiter.plugin(),
                        !limiter.limits().isEmpty() || limiter.sources().external(), "limits, file, redis and http");
            }
            compileLimits(limiter, (line, why) -> problem(limiter.origin().child("limits"),
                    limiter.kind().reference() + " '" + limiter.name() + "': '" + line.trim() + "': " + why));
            limiters.put(key, limiter);
        }
        for (HostsConfig mapper : config.controls().hosts()) {
            if (unique(hosts, mapper.name(), "a hosts mapper", mapper.origin())) {
                if (mapper.plugin() != null) {
                    checkPlugin("hosts '" + mapper.name() + "'", mapper.plugin(), !mapper.mappings().isEmpty()
                            || mapper.sources().external(), "mappings, file, redis and http");
                }
                HostMapper.table(mapper.mappings(), List.of(), (entry, why) -> problem(mapper.origin().child("mappings"),
                        "hosts '" + mapper.name() + "': " + why));
                hosts.put(mapper.name(), mapper);
            }
        }
        for (ResolverConfig resolver : config.controls().resolvers()) {
            if (resolvers.containsKey(resolver.name())) {
                problem(resolver.origin(), "a resolver named '" + resolver.name() + "' is defined twice");
                continue;
            }
            if (resolver.plugin() != null) {
                checkPlugin("resolver '" + resolver.name() + "'", resolver.plugin(), !resolver.nameservers().isEmpty(),
                        "nameservers");
            }
            List<Nameserver> nameservers = new ArrayList<>();
            for (ResolverConfig.Nameserver nameserver : resolver.nameservers()) {
                try {
                    nameservers.add(Nameserver.of(nameserver));
                } catch (IllegalArgumentException e) {
                    problem(nameserver.origin(), e.getMessage());
                }
            }
            if (nameservers.size() == resolver.nameservers().size()) {
                resolvers.put(resolver.name(), new ControlPlan.Resolver(resolver, nameservers));
            }
        }
        for (QuotaConfig quota : config.controls().quotas()) {
            if (unique(quotas, quota.name(), "a quota", quota.origin())) {
                checkQuotaStore(quota);
                quotas.put(quota.name(), quota);
            }
        }
        return new ControlPlan(List.copyOf(authers.values()), List.copyOf(bypasses.values()),
                List.copyOf(admissions.values()), List.copyOf(limiters.values()), List.copyOf(hosts.values()),
                List.copyOf(resolvers.values()), List.copyOf(quotas.values()));
    }

    /**
     * A file store must be a file that can be written where it is said to be: GOST starts with an empty counter
     * when the file is missing (fine: it is created at the first flush) but only logs a warning at every flush
     * when its directory does not exist, so the counter is never kept; gost-java says so before it starts.
     */
    private void checkQuotaStore(QuotaConfig quota) {
        if (quota.store().redis() != null) {
            try {
                io.gost.runtime.limit.quota.QuotaStore.redisAddress(quota.store().redis().addr());
            } catch (IllegalArgumentException e) {
                problem(quota.origin().child("store"), "quota '" + quota.name() + "': " + e.getMessage());
            }
            return;
        }
        java.nio.file.Path file = java.nio.file.Path.of(quota.store().file()).toAbsolutePath();
        java.nio.file.Path directory = file.getParent();
        if (java.nio.file.Files.isDirectory(file)) {
            problem(quota.origin().child("store"), "quota '" + quota.name() + "': store file " + file
                    + " is a directory");
        } else if (directory == null || !java.nio.file.Files.isDirectory(directory)) {
            problem(quota.origin().child("store"), "quota '" + quota.name() + "': the directory of store file "
                    + quota.store().file() + " (" + directory + ") does not exist, so the counter could never be"
                    + " kept (GOST runs without it and warns at every flush); create it or name another file");
        }
    }

    /** A limiter's lines compiled, each line it cannot read handed to {@code rejected}. */
    static LimitTable<?> compileLimits(LimiterConfig limiter, java.util.function.BiConsumer<String, String> rejected) {
        return switch (limiter.kind()) {
            case TRAFFIC -> LimitTable.compile(limiter.limits(), TrafficLimiter.Rate::parse, rejected);
            case CONNECTIONS -> LimitTable.compile(limiter.limits(), Count::connections, rejected);
            case REQUESTS -> LimitTable.compile(limiter.limits(), Count::requests, rejected);
        };
    }

    private void checkAuther(AutherConfig auther) {
        if (auther.plugin() != null) {
            checkPlugin("auther '" + auther.name() + "'", auther.plugin(),
                    !auther.auths().isEmpty() || auther.sources().external(), "auths, file, redis and http");
        }
    }

    /**
     * A control object's plugin: GOST's HTTP protocol with an http(s) URL, or its gRPC protocol (the default type)
     * with {@code host:port}; and nothing else next to it that GOST would ignore.
     *
     * @param owner       {@code "bypass 'bypass-0'"}, for messages
     * @param besides     true when the object also has rules of its own
     * @param ownRulesAre what those rules are called, for the message
     */
    private void checkPlugin(String owner, io.gost.runtime.config.ControlPlugin plugin, boolean besides,
                             String ownRulesAre) {
        if (plugin.type().equals("http")) {
            try {
                URI uri = URI.create(plugin.addr());
                if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).matches("https?")
                        || uri.getHost() == null) {
                    throw new IllegalArgumentException("not an http:// or https:// URL");
                }
            } catch (IllegalArgumentException e) {
                problem(plugin.origin().child("addr"), owner + ": plugin addr '" + plugin.addr()
                        + "' is not an http:// or https:// URL");
            }
        } else if (plugin.type().equals("grpc")) {
            // Spoken by gost-plugin-grpc-control, which the distribution ships; without it on the module path the
            // start fails naming the module (PluginClient.of).
            if (!isHostAndPort(plugin.addr())) {
                problem(plugin.origin().child("addr"), owner + ": plugin addr '" + plugin.addr()
                        + "' is not host:port (a gRPC plugin"
                        + (plugin.addr().contains("://") ? "'s addr has no scheme; or write type: http for a URL)"
                        : " is reached at host:port, IPv6 in brackets: [::1]:8000)"));
            }
        } else {
            problem(plugin.origin().child("type"), owner + ": plugin type '" + plugin.type()
                    + "' is not one of GOST's: write grpc (the default) or http");
        }
        if (besides) {
            problem(plugin.origin(), owner + ": a plugin decides alone (GOST ignores " + ownRulesAre + " next to it);"
                    + " remove them or the plugin");
        }
    }

    /** {@code host:port} with a port from 1 to 65535, an IPv6 host in brackets. */
    static boolean isHostAndPort(String addr) {
        if (addr == null) {
            return false;
        }
        int colon = addr.lastIndexOf(':');
        if (colon <= 0 || colon == addr.length() - 1) {
            return false;
        }
        String host = addr.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        if (!bracketed && (host.indexOf(':') >= 0 || host.indexOf('/') >= 0 || host.isBlank())) {
            return false;
        }
        try {
            int port = Integer.parseInt(addr.substring(colon + 1));
            return port >= 1 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private <T> boolean unique(Map<String, T> seen, String name, String what, Origin origin) {
        if (seen.containsKey(name)) {
            problem(origin, what + " named '" + name + "' is defined twice");
            return false;
        }
        return true;
    }

    // ---- references ------------------------------------------------------------------------------------

    boolean hasAuther(String name) {
        return authers.containsKey(name) || config.auther(name).isPresent();
    }

    /** Checks that every name in {@code names} exists among {@code known} (a map of this planner's). */
    private void requireAll(List<String> names, Function<String, Boolean> exists, List<String> known, String what,
                            String section, Origin origin) {
        for (String name : names) {
            if (!exists.apply(name)) {
                problem(origin, "no " + what + " named '" + name + "' in " + section
                        + (known.isEmpty() ? "" : "; known: " + String.join(", ", known)));
            }
        }
    }

    private void requireBypasses(List<String> names, Origin origin) {
        requireAll(names, name -> bypasses.containsKey(name) || config.bypass(name).isPresent(),
                config.bypasses().stream().map(BypassConfig::name).toList(), "bypass", "bypasses", origin);
    }

    private void requireHosts(String name, Origin origin) {
        if (name != null) {
            requireAll(List.of(name), n -> hosts.containsKey(n) || config.controls().hostsMapper(n).isPresent(),
                    config.controls().hosts().stream().map(HostsConfig::name).toList(), "hosts mapper", "hosts",
                    origin);
        }
    }

    private void requireResolver(String name, Origin origin) {
        if (name != null) {
            requireAll(List.of(name), n -> resolvers.containsKey(n) || config.controls().resolver(n).isPresent(),
                    config.controls().resolvers().stream().map(ResolverConfig::name).toList(), "resolver",
                    "resolvers", origin);
        }
    }

    /**
     * A service's controls: its references checked, and its own options read from its metadata
     * ({@code limiter.*}, {@code interface}, {@code so_mark}) and its handler's ({@code skipauth}).
     *
     * @param namespace true when direct dials are made in another namespace ({@code netns.out}), where the
     *                  interface is checked when the service starts instead
     */
    ServiceControls service(ControlRefs refs, Origin origin, Metadata metadata, KeyOrigins keys,
                            Metadata handlerMetadata, KeyOrigins handlerKeys, boolean namespace) {
        return service(refs, origin, metadata, keys, handlerMetadata, handlerKeys, namespace, null);
    }

    /**
     * As above, with the service's handler block, whose {@code limiter} (a handler's own, per client) is checked
     * here: a traffic limiter that asks a plugin (GOST asks nothing else per client), on a handler that applies
     * one.
     */
    ServiceControls service(ControlRefs refs, Origin origin, Metadata metadata, KeyOrigins keys,
                            Metadata handlerMetadata, KeyOrigins handlerKeys, boolean namespace,
                            io.gost.runtime.config.PluginConfig handler) {
        requireAll(refs.admissions(), name -> admissions.containsKey(name)
                        || config.controls().admission(name).isPresent(),
                config.controls().admissions().stream().map(AdmissionConfig::name).toList(), "admission",
                "admissions", origin.child("admission"));
        requireBypasses(refs.bypasses(), origin.child("bypass"));
        for (LimiterConfig.Kind kind : LimiterConfig.Kind.values()) {
            String name = refs.limiter(kind);
            if (name != null) {
                requireAll(List.of(name), n -> limiters.containsKey(kind + " " + n)
                                || config.controls().limiter(kind, n).isPresent(),
                        config.controls().limiters(kind).stream().map(LimiterConfig::name).toList(),
                        kind.reference(), kind.section(), origin.child(kind.reference()));
            }
        }
        requireHosts(refs.hosts(), origin.child("hosts"));
        requireResolver(refs.resolver(), origin.child("resolver"));
        requireAll(refs.quotas(), name -> quotas.containsKey(name) || config.controls().quota(name).isPresent(),
                config.controls().quotas().stream().map(QuotaConfig::name).distinct().toList(), "quota",
                "quotas (define it in a -C file's quotas: section; the command line makes none)",
                origin.child("quotas"));

        TrafficLimiter.Scope scope = TrafficLimiter.Scope.ALL;
        try {
            scope = TrafficLimiter.Scope.parse(metadata.getString("limiter.scope", ""));
        } catch (IllegalArgumentException e) {
            problem(keys.of("limiter.scope"), e.getMessage());
        }
        Duration refresh = duration(metadata, "limiter.refreshInterval", ServiceControls.DEFAULT_REFRESH);
        Duration cleanup = duration(metadata, "limiter.cleanupInterval", ServiceControls.DEFAULT_CLEANUP);
        AddressPatterns skipauth = skipauth(handlerMetadata, handlerKeys);
        Outbound outbound = outbound(metadata, keys, namespace);
        ServiceControls.ClientLimiter clientLimiter = handler == null || handler.limiter() == null ? null
                : clientLimiter(handler, handlerMetadata == null ? Metadata.empty() : handlerMetadata);
        return new ServiceControls(refs.admissions(), refs.bypasses(), refs.limiter(), scope, refresh, cleanup,
                refs.climiter(), refs.rlimiter(), refs.hosts(), refs.resolver(), skipauth, outbound, clientLimiter,
                refs.quotas());
    }

    /** GOST's handlers that pace each client by their own limiter ({@code h.options.Limiter}, scope client). */
    private static final java.util.Set<String> HANDLERS_WITH_A_LIMITER = java.util.Set.of("http", "http2", "socks",
            "socks4", "socks4a", "socks5", "auto", "relay", "tunnel");

    /** {@code handler.limiter}: a plugin limiter, on a handler that applies it. */
    private ServiceControls.ClientLimiter clientLimiter(io.gost.runtime.config.PluginConfig handler,
                                                       Metadata handlerMetadata) {
        String name = handler.limiter();
        Origin at = handler.origin().child("limiter");
        Optional<LimiterConfig> limiter = Optional.ofNullable(limiters.get(LimiterConfig.Kind.TRAFFIC + " " + name))
                .or(() -> config.controls().limiter(LimiterConfig.Kind.TRAFFIC, name));
        if (limiter.isEmpty()) {
            List<String> known = config.controls().limiters(LimiterConfig.Kind.TRAFFIC).stream()
                    .map(LimiterConfig::name).toList();
            problem(at, "no limiter named '" + name + "' in limiters" + (known.isEmpty() ? "" : "; known: "
                    + String.join(", ", known)));
            return null;
        }
        if (limiter.get().plugin() == null) {
            problem(at, "limiter '" + name + "' has no plugin: a handler's own limiter paces each client by what a"
                    + " limiter plugin answers for it (GOST asks limits lines nothing per client, so they would limit"
                    + " nothing here); give limiter '" + name + "' a plugin, or name it as the service's limiter");
            return null;
        }
        if (!HANDLERS_WITH_A_LIMITER.contains(handler.type())) {
            problem(at, "handler " + handler.type() + " applies no limiter of its own (GOST's http, socks4, socks5,"
                    + " relay and auto handlers do); name it as the service's limiter instead");
            return null;
        }
        return new ServiceControls.ClientLimiter(name,
                duration(handlerMetadata, "limiter.refreshInterval", ServiceControls.DEFAULT_REFRESH),
                duration(handlerMetadata, "limiter.cleanupInterval", ServiceControls.DEFAULT_CLEANUP));
    }

    /**
     * A bypass plugin is asked only where the router can wait for its answer: a service's targets. A hop's or a
     * node's bypass is decided while a route is being chosen, which does not wait.
     */
    private void refusePluginBypasses(List<String> names, Origin origin, String where) {
        for (String name : names) {
            BypassConfig bypass = bypasses.get(name);
            if (bypass != null && bypass.plugin() != null) {
                problem(origin, "bypass '" + name + "' asks a plugin, which gost-java does for a service's bypass"
                        + " only, not yet for a " + where + "'s; write this " + where + "'s bypass as matchers (or"
                        + " put the plugin bypass on the service)");
            }
        }
    }

    /** A hop's controls. */
    RouteControls hop(ControlRefs refs, Origin origin, Metadata metadata, KeyOrigins keys, boolean namespace) {
        requireBypasses(refs.bypasses(), origin.child("bypass"));
        refusePluginBypasses(refs.bypasses(), origin.child("bypass"), "hop");
        requireHosts(refs.hosts(), origin.child("hosts"));
        requireResolver(refs.resolver(), origin.child("resolver"));
        return new RouteControls(refs.bypasses(), refs.hosts(), refs.resolver(), outbound(metadata, keys, namespace));
    }

    /** A node's controls, the hop's filled in where the node sets none (GOST's inheritance). */
    RouteControls node(ControlRefs refs, Origin origin, Metadata metadata, KeyOrigins keys, RouteControls hop,
                       boolean namespace) {
        requireBypasses(refs.bypasses(), origin.child("bypass"));
        refusePluginBypasses(refs.bypasses(), origin.child("bypass"), "node");
        requireHosts(refs.hosts(), origin.child("hosts"));
        requireResolver(refs.resolver(), origin.child("resolver"));
        Outbound own = outbound(metadata, keys, namespace);
        Outbound outbound = new Outbound(metadata.contains("interface") ? own.interfaces() : hop.outbound().interfaces(),
                metadata.contains("so_mark") ? own.mark() : hop.outbound().mark());
        return new RouteControls(refs.bypasses().isEmpty() ? hop.bypasses() : refs.bypasses(),
                refs.hosts() != null ? refs.hosts() : hop.hosts(),
                refs.resolver() != null ? refs.resolver() : hop.resolver(), outbound);
    }

    /** GOST's {@code skipauth}: IPs and CIDRs (a list, or comma-separated text). */
    private AddressPatterns skipauth(Metadata metadata, KeyOrigins keys) {
        if (metadata == null || !metadata.contains("skipauth")) {
            return AddressPatterns.empty();
        }
        List<String> entries = metadata.getStringList("skipauth");
        for (String entry : entries) {
            if (!entry.contains("/") && io.gost.runtime.match.IpAddress.parse(entry) == null) {
                problem(keys.of("skipauth"), "skipauth '" + entry + "' is neither an IP nor a CIDR (GOST skips it"
                        + " silently; gost-java would rather tell)");
                return AddressPatterns.empty();
            }
        }
        try {
            return AddressPatterns.compile(entries);
        } catch (IllegalArgumentException e) {
            problem(keys.of("skipauth"), "skipauth: " + e.getMessage());
            return AddressPatterns.empty();
        }
    }

    /** {@code interface} and {@code so_mark} of a service, hop or node's metadata. */
    private Outbound outbound(Metadata metadata, KeyOrigins keys, boolean namespace) {
        List<Outbound.Interface> interfaces = List.of();
        int mark = 0;
        if (metadata.contains("interface")) {
            try {
                interfaces = Outbound.parseInterfaces(metadata.getString("interface", ""));
                if (!namespace) {
                    interfaces.forEach(entry -> checkInterface(entry, keys.of("interface")));
                }
            } catch (IllegalArgumentException e) {
                problem(keys.of("interface"), e.getMessage());
            }
        }
        if (metadata.contains("so_mark")) {
            try {
                long value = metadata.getLong("so_mark", 0);
                if (value < 0 || value > 0xffff_ffffL) {
                    problem(keys.of("so_mark"), "so_mark must be 0 to 4294967295, got " + value);
                } else {
                    mark = (int) value;
                }
            } catch (InvalidMetadataException e) {
                // reported by the metadata check
            }
        }
        return new Outbound(interfaces, mark);
    }

    /** A named interface must exist here, in the process's own namespace; an address must be one of ours. */
    private void checkInterface(Outbound.Interface entry, Origin origin) {
        try {
            if (entry.name() != null) {
                if (!interfaces.hasInterface(entry.name())) {
                    problem(origin, "interface '" + entry.name() + "' does not exist on this host (`ip link` lists"
                            + " them)");
                }
            } else if (!interfaces.hasAddress(entry.ip())) {
                problem(origin, "interface address " + entry + " is not an address of this host (`ip addr` lists"
                        + " them)");
            }
        } catch (SocketException e) {
            problem(origin, "cannot look interface " + entry + " up: " + e.getMessage());
        }
    }

    private Duration duration(Metadata metadata, String key, Duration absent) {
        try {
            Duration value = metadata.getDuration(key, absent);
            return value.isZero() || value.isNegative() ? absent : value;
        } catch (InvalidMetadataException e) {
            return absent; // reported by the metadata check
        }
    }

    private void problem(Origin origin, String message) {
        String text = origin + ": " + message;
        if (!problems.contains(text)) {
            problems.add(text);
        }
    }

}
