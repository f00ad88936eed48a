package io.gost.runtime.config;

import io.gost.api.Credentials;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns GOST's command-line services ({@code -L}) and chain nodes ({@code -F}) into a {@link GostConfig},
 * following GOST's grammar and defaults.
 *
 * <p>{@code -L [handler[+listener]://][user:pass@][host]:port[/target1,target2,...][?key=value&...]}:
 * <ul>
 *   <li>no scheme means {@code auto}; one scheme names the handler and, when it is a listener type, the
 *       listener too ({@code http} = http over tcp, {@code tls} = auto over tls, {@code https} =
 *       http over tls); an unknown handler becomes {@code auto}, an unknown listener {@code tcp};</li>
 *   <li>a path makes a forwarding service: its comma-separated targets are the nodes {@code target-0..n}
 *       of one forwarder, and the handler becomes the listener type for tcp, udp, rtcp, rudp (and the
 *       other packet or path listeners GOST lists), otherwise {@code forward};</li>
 *   <li>a port range {@code :8000-8003} gives one service per port (targets with a range are paired with
 *       them one by one);</li>
 *   <li>{@code user:pass@} (or {@code ?auth=base64(user:pass)}) is the handler's auth;</li>
 *   <li>{@code bypass=m1,m2,...} makes a bypass {@code bypass-N} with those matchers for the service
 *       (a leading {@code ~} makes it a whitelist), as GOST does; likewise {@code admission=} an admission
 *       {@code admission-N}, {@code hosts=name:ip,...} a host mapper {@code hosts-N}, {@code resolver=a,b}
 *       a resolver {@code resolver-N} (with {@code prefer}), {@code limiter.in}/{@code limiter.out} and
 *       {@code limiter.conn.in}/{@code limiter.conn.out} a traffic limiter {@code limiter-N} ({@code $} and
 *       {@code $$} lines), {@code climiter=N} a connection limiter {@code climiter-N} and {@code rlimiter=R}
 *       a request-rate limiter {@code rlimiter-N} (both {@code $} lines);</li>
 *   <li>query keys: {@code netns}, {@code netns.out}, {@code interface}, {@code so_mark},
 *       {@code proxyProtocol} are service metadata; {@code strategy}, {@code maxFails},
 *       {@code failTimeout} make the forwarder's selector; {@code retries} is the handler's;
 *       {@code service.}, {@code handler.}, {@code listener.} prefixes put a key in that one place; any
 *       other key goes to the handler, listener and service metadata alike.</li>
 * </ul>
 *
 * <p>{@code -F connector[+dialer]://[user:pass@]host:port[,host2:port2][?key=value&...]}: each {@code -F}
 * is one hop ({@code hop-0..}) of the chain {@code chain-0}, its comma-separated hosts the hop's nodes
 * ({@code node-0..}); an unknown connector becomes {@code http}, an unknown dialer {@code tcp};
 * {@code user:pass@} is the connector's auth; {@code bypass}, {@code hosts} and {@code resolver} make the
 * hop's bypass, host mapper and resolver (named before the services' ones, as GOST does); {@code netns},
 * {@code interface}, {@code so_mark},
 * {@code proxyProtocol} and selector keys belong to the hop; {@code hop.}, {@code node.},
 * {@code connector.}, {@code dialer.} prefixes scope a key, and any other key goes to all four. Every
 * service then uses {@code chain-0} (on its listener for the reverse listeners rtcp, rudp, runix, as GOST
 * does, otherwise on its handler).
 *
 * <p>A query key GOST reads that gost-java does not implement yet (the catalog's {@code cli:L}/{@code cli:F}
 * rows) is refused, naming the URL part; no key is accepted and dropped.
 *
 * <p>Why this class is long: it is GOST's command-line grammar in one place (scheme rules, ranges,
 * forwarder paths, key scoping, GOST's defaults), each rule a small method; the rules depend on each other's
 * results (a path changes the handler, a scheme the listener), so they read best in order, together.
 */
public final class CommandLineParser {

    /** The name of the chain the {@code -F} nodes make. */
    public static final String CHAIN_NAME = "chain-0";

    private static final String SOURCE = "command line";

    /** Listener types after which a forwarding service's handler is the listener type itself. */
    private static final Set<String> SAME_TYPE_FORWARDERS =
            Set.of("tcp", "udp", "rtcp", "rudp", "tun", "tap", "dns", "unix", "runix", "serial");
    /** Reverse listeners, which reach their peer through the chain themselves. */
    private static final Set<String> REVERSE_LISTENERS = Set.of("rtcp", "rudp", "runix");
    /** Schemes whose address is a path, not host:port. */
    private static final Set<String> PATH_SCHEMES = Set.of("unix", "runix", "serial");
    /**
     * Query keys of {@code -L} with a meaning of their own that this parser gives them; every other such key
     * GOST has (the {@code cli:L} rows of {@link GostKeys}: admission, limiters, hosts, resolver, tls files ...)
     * is refused naming the key, and plain keys go to the metadata, where planning accounts for them.
     */
    private static final Set<String> SERVICE_QUERY_KEYS = Set.of("netns", "netns.out", "interface", "so_mark",
            "proxyprotocol", "strategy", "maxfails", "max_fails", "failtimeout", "fail_timeout", "retries", "auth",
            "bypass", "dns", "admission", "hosts", "resolver", "prefer", "limiter.in", "limiter.out",
            "limiter.conn.in", "limiter.conn.out", "climiter", "rlimiter", "quotas", "tls.certfile", "certfile", "cert",
            "tls.keyfile", "keyfile", "key", "tls.cafile", "cafile", "ca");
    /** As {@link #SERVICE_QUERY_KEYS}, for {@code -F} (the {@code cli:F} rows). */
    private static final Set<String> HOP_QUERY_KEYS = Set.of("netns", "interface", "so_mark", "proxyprotocol",
            "strategy", "maxfails", "max_fails", "failtimeout", "fail_timeout", "auth", "bypass", "hosts",
            "resolver", "tls.certfile", "certfile", "cert", "tls.keyfile", "keyfile", "key", "tls.cafile", "cafile",
            "ca", "tls.secure", "secure", "tls.servername", "servername");
    /** Keys of a tls block that GOST's command line does not set; the parser refuses them saying where they go. */
    private static final List<String> TLS_BLOCK_ONLY_KEYS = List.of("rejectUnknownSNI", "serverNames", "minVersion",
            "maxVersion", "cipherSuites", "validity", "commonName", "organization");
    /** GOST's failTimeout when a selector is given on the command line without one. */
    private static final Duration COMMAND_LINE_FAIL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Which type names the plugin registry knows, so that unknown ones fall back to GOST's defaults.
     *
     * @param handlers   known handler types
     * @param listeners  known listener types
     * @param connectors known connector types
     * @param dialers    known dialer types
     */
    public record KnownTypes(Predicate<String> handlers, Predicate<String> listeners, Predicate<String> connectors,
                             Predicate<String> dialers) {

        public KnownTypes {
            Objects.requireNonNull(handlers, "handlers");
            Objects.requireNonNull(listeners, "listeners");
            Objects.requireNonNull(connectors, "connectors");
            Objects.requireNonNull(dialers, "dialers");
        }

        /** Fixed lists of names. */
        public static KnownTypes of(Collection<String> handlers, Collection<String> listeners,
                                    Collection<String> connectors, Collection<String> dialers) {
            return new KnownTypes(Set.copyOf(handlers)::contains, Set.copyOf(listeners)::contains,
                    Set.copyOf(connectors)::contains, Set.copyOf(dialers)::contains);
        }

        /** The types GOST v3 registers, aliases included. */
        public static KnownTypes gost() {
            return of(
                    List.of("auto", "http", "http2", "http3", "socks4", "socks4a", "socks5", "socks", "ss", "ssu",
                            "relay", "tcp", "udp", "forward", "rtcp", "rudp", "runix", "red", "redir", "redirect",
                            "redu", "sni", "dns", "tun", "tap", "tunnel", "router", "sshd", "file", "api",
                            "metrics", "masque", "tungo", "serial", "unix"),
                    List.of("tcp", "udp", "tls", "mtls", "ws", "wss", "mws", "mwss", "http2", "h2", "h2c", "http3",
                            "h3", "wt", "grpc", "quic", "kcp", "dtls", "ftcp", "icmp", "mtcp", "ohttp", "otls",
                            "pht", "phts", "ssh", "sshd", "red", "redir", "redirect", "redu", "rtcp", "rudp",
                            "runix", "tun", "tap", "dns", "unix", "serial", "stdio", "tungo", "icmp6"),
                    List.of("http", "http2", "socks4", "socks4a", "socks5", "socks", "ss", "ssu", "relay",
                            "forward", "sni", "tcp", "tunnel", "router", "sshd", "direct", "virtual", "unix",
                            "serial", "masque"),
                    List.of("tcp", "udp", "tls", "mtls", "ws", "wss", "mws", "mwss", "http2", "h2", "h2c", "http3",
                            "h3", "wt", "grpc", "quic", "kcp", "dtls", "ftcp", "icmp", "mtcp", "ohttp", "otls",
                            "pht", "phts", "ssh", "sshd", "direct", "virtual", "unix", "serial", "h3-masque",
                            "icmp6", "ohttps", "utls", "wg"));
        }
    }

    private final KnownTypes known;

    /** A parser that knows GOST's own type names. */
    public CommandLineParser() {
        this(KnownTypes.gost());
    }

    /** A parser that asks {@code known} (typically the plugin registry) which type names exist. */
    public CommandLineParser(KnownTypes known) {
        this.known = Objects.requireNonNull(known, "known");
    }

    /**
     * The configuration the flags describe.
     *
     * @param services the {@code -L} values, in order
     * @param nodes    the {@code -F} values, in order
     * @throws ConfigException naming each bad flag and the part of it that is wrong
     */
    public GostConfig parse(List<String> services, List<String> nodes) {
        return parse(List.of(new Group(services, nodes)));
    }

    /**
     * The {@code -L}/{@code -F} flags of one group of GOST's command line: {@code gost -L a -F b -- -L c}
     * runs two groups, each with its own chain, as GOST runs each in a process of its own.
     *
     * @param services the group's {@code -L} values, in order
     * @param nodes    the group's {@code -F} values, in order
     */
    public record Group(List<String> services, List<String> nodes) {

        public Group {
            services = List.copyOf(services);
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * The configuration of several groups: one process here, with services numbered across all groups and
     * each group's {@code -F} nodes its own chain ({@code chain-0} for the first group that has any, as for a
     * single group, then {@code chain-1} ...), used by that group's services only.
     *
     * @throws ConfigException naming each bad flag and the part of it that is wrong
     */
    public GostConfig parse(List<Group> groups) {
        List<String> problems = new ArrayList<>();
        List<ChainConfig> chains = new ArrayList<>();
        List<ServiceConfig> result = new ArrayList<>();
        Controls controls = new Controls();
        for (Group group : groups) {
            List<HopConfig> hops = new ArrayList<>();
            for (int i = 0; i < group.nodes().size(); i++) {
                HopConfig hop = hop(group.nodes().get(i), i, problems, controls);
                if (hop != null) {
                    hops.add(hop);
                }
            }
            List<ServiceDraft> drafts = new ArrayList<>();
            for (String service : group.services()) {
                drafts.addAll(services(service, problems));
            }
            if (!problems.isEmpty()) {
                continue;
            }
            ChainConfig chain = null;
            if (!hops.isEmpty()) {
                chain = new ChainConfig(chains.isEmpty() ? CHAIN_NAME : "chain-" + chains.size(), hops,
                        Metadata.empty(), new Origin("-F '" + group.nodes().get(0) + "'", 0, ""));
                chains.add(chain);
            }
            for (ServiceDraft draft : drafts) {
                result.add(draft.build("service-" + result.size(), chain == null ? null : chain.name(),
                        draft.controls().name(controls)));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new GostConfig(result, chains, List.of(), controls.bypasses, new ControlConfigs(controls.admissions,
                controls.limiters, controls.hosts, controls.resolvers), null, null, SOURCE);
    }

    /**
     * The control objects the flags make, named as GOST names them: in order over all flags, the {@code -F}
     * hops' before the services' ({@code bypass-0}, {@code bypass-1} ...).
     */
    private static final class Controls {
        final List<BypassConfig> bypasses = new ArrayList<>();
        final List<AdmissionConfig> admissions = new ArrayList<>();
        final List<LimiterConfig> limiters = new ArrayList<>();
        final List<HostsConfig> hosts = new ArrayList<>();
        final List<ResolverConfig> resolvers = new ArrayList<>();

        String bypass(MatcherDraft draft) {
            String name = "bypass-" + bypasses.size();
            bypasses.add(new BypassConfig(name, draft.whitelist(), draft.matchers(), draft.origin()));
            return name;
        }

        String admission(MatcherDraft draft) {
            String name = "admission-" + admissions.size();
            admissions.add(new AdmissionConfig(name, draft.whitelist(), draft.matchers(), DataSources.NONE,
                    draft.origin()));
            return name;
        }

        String hosts(HostsDraft draft) {
            String name = "hosts-" + hosts.size();
            hosts.add(new HostsConfig(name, draft.mappings(), DataSources.NONE, draft.origin()));
            return name;
        }

        String resolver(ResolverDraft draft) {
            String name = "resolver-" + resolvers.size();
            List<ResolverConfig.Nameserver> nameservers = draft.addrs().stream()
                    .map(addr -> new ResolverConfig.Nameserver(addr, null, draft.prefer(), null, null, null, null,
                            null, false, draft.origin()))
                    .toList();
            resolvers.add(new ResolverConfig(name, nameservers, draft.origin()));
            return name;
        }

        String limiter(LimiterConfig.Kind kind, List<String> lines, Origin origin) {
            String name = kind.reference() + "-" + limiters.stream().filter(l -> l.kind() == kind).count();
            limiters.add(new LimiterConfig(kind, name, lines, DataSources.NONE, origin));
            return name;
        }
    }

    /** {@code ?bypass=} or {@code ?admission=}: a leading {@code ~} makes a whitelist. */
    private record MatcherDraft(boolean whitelist, List<String> matchers, Origin origin) {

        static MatcherDraft parse(String text, Origin origin) {
            boolean whitelist = text.startsWith("~");
            List<String> matchers = new ArrayList<>();
            for (String matcher : (whitelist ? text.substring(1) : text).split(",")) {
                if (!matcher.isBlank()) {
                    matchers.add(matcher.trim());
                }
            }
            return new MatcherDraft(whitelist, List.copyOf(matchers), origin);
        }
    }

    /** {@code ?hosts=example.org:127.0.0.1,example.org:::1}: each entry is NAME:IP, split at the first colon. */
    private record HostsDraft(List<HostsConfig.Mapping> mappings, Origin origin) {

        static HostsDraft parse(String text, Origin origin, Problems problem) {
            List<HostsConfig.Mapping> mappings = new ArrayList<>();
            for (String entry : text.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int colon = entry.indexOf(':');
                if (colon <= 0 || colon == entry.length() - 1) {
                    problem.add("hosts entry '" + entry + "' is not NAME:IP such as example.org:127.0.0.1");
                    continue;
                }
                mappings.add(new HostsConfig.Mapping(entry.substring(colon + 1).trim(),
                        entry.substring(0, colon).trim(), List.of()));
            }
            return new HostsDraft(List.copyOf(mappings), origin);
        }
    }

    /** {@code ?resolver=1.1.1.1,tcp://8.8.8.8} and {@code ?prefer=ipv6}. */
    private record ResolverDraft(List<String> addrs, String prefer, Origin origin) {
    }

    /** What one service's query asks for beyond its own options, before the objects get their names. */
    private record ControlDrafts(MatcherDraft bypass, MatcherDraft admission, HostsDraft hosts, ResolverDraft resolver,
                                 List<String> trafficLimits, Origin trafficOrigin, String connectionLimit,
                                 Origin connectionOrigin, String requestLimit, Origin requestOrigin,
                                 List<String> quotas) {

        /** Makes (and names) the objects, and says which names the service refers to. */
        ControlRefs name(Controls controls) {
            String bypassName = bypass == null ? null : controls.bypass(bypass);
            String admissionName = admission == null ? null : controls.admission(admission);
            String resolverName = resolver == null ? null : controls.resolver(resolver);
            String hostsName = hosts == null ? null : controls.hosts(hosts);
            String limiter = trafficLimits.isEmpty() ? null
                    : controls.limiter(LimiterConfig.Kind.TRAFFIC, trafficLimits, trafficOrigin);
            String climiter = connectionLimit == null ? null : controls.limiter(LimiterConfig.Kind.CONNECTIONS,
                    List.of("$ " + connectionLimit), connectionOrigin);
            String rlimiter = requestLimit == null ? null : controls.limiter(LimiterConfig.Kind.REQUESTS,
                    List.of("$ " + requestLimit), requestOrigin);
            return new ControlRefs(admissionName == null ? List.of() : List.of(admissionName),
                    bypassName == null ? List.of() : List.of(bypassName), limiter, climiter, rlimiter, hostsName,
                    resolverName, quotas);
        }
    }

    /**
     * Takes the query keys that make control objects out of {@code query} ({@code handler.}-prefixed too, as
     * GOST reads them from the handler's options).
     */
    private static ControlDrafts controlDrafts(Map<String, Object> query, Problems problem) {
        Origin flag = problem.origin();
        String bypass = take(query, "bypass");
        String admission = take(query, "admission");
        String hosts = take(query, "hosts");
        String resolver = take(query, "resolver");
        String prefer = take(query, "prefer");
        if (prefer != null && !List.of("ipv4", "ipv6").contains(prefer.toLowerCase(Locale.ROOT))) {
            problem.add("prefer '" + prefer + "' is neither ipv4 nor ipv6");
        }
        if (prefer != null && resolver == null) {
            problem.add("prefer applies to the nameservers of ?resolver=, and there are none; add resolver=...");
        }
        List<String> trafficLimits = new ArrayList<>();
        String in = take(query, "limiter.in");
        String out = take(query, "limiter.out");
        String connIn = take(query, "limiter.conn.in");
        String connOut = take(query, "limiter.conn.out");
        // GOST writes "$ IN OUT" with an empty IN when only OUT is given, which then reads as IN; gost-java
        // writes 0 (no limit) for the missing direction.
        if (in != null || out != null) {
            trafficLimits.add("$ " + (in == null ? "0" : in) + " " + (out == null ? "0" : out));
        }
        if (connIn != null || connOut != null) {
            trafficLimits.add("$$ " + (connIn == null ? "0" : connIn) + " " + (connOut == null ? "0" : connOut));
        }
        String climiter = take(query, "climiter");
        if (climiter != null && !climiter.matches("\\d{1,9}")) {
            problem.add("climiter '" + climiter + "' is not a whole number of connections");
            climiter = null;
        }
        String rlimiter = take(query, "rlimiter");
        if (rlimiter != null) {
            try {
                if (!(Double.parseDouble(rlimiter) > 0)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problem.add("rlimiter '" + rlimiter + "' is not a number of requests per second above 0");
                rlimiter = null;
            }
        }
        // Names of quotas defined in a file (-C): GOST's command line makes no quota of its own.
        String quotas = take(query, "quotas");
        return new ControlDrafts(
                bypass == null ? null : MatcherDraft.parse(bypass, queryOrigin(flag, "bypass")),
                admission == null ? null : MatcherDraft.parse(admission, queryOrigin(flag, "admission")),
                hosts == null ? null : HostsDraft.parse(hosts, queryOrigin(flag, "hosts"), problem),
                resolver == null ? null : new ResolverDraft(splitList(resolver), prefer,
                        queryOrigin(flag, "resolver")),
                List.copyOf(trafficLimits), queryOrigin(flag, in != null || out != null ? "limiter.in" : "limiter.conn.in"),
                climiter, queryOrigin(flag, "climiter"), rlimiter, queryOrigin(flag, "rlimiter"),
                quotas == null ? List.of() : splitList(quotas));
    }

    private static Origin queryOrigin(Origin flag, String key) {
        return new Origin(flag.source(), 0, "?" + key);
    }

    private static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return List.copyOf(items);
    }

    /** Removes {@code key} and {@code handler.key}; the value as text, or {@code null} when absent or empty. */
    private static String take(Map<String, Object> query, String key) {
        Object value = remove(query, key);
        Object scoped = remove(query, "handler." + key);
        Object found = isEmpty(value) ? scoped : value;
        return isEmpty(found) ? null : String.valueOf(found).trim();
    }

    // ---- -L --------------------------------------------------------------------------------------------

    /** A service before its name and chain are known (names count across all -L flags). */
    private record ServiceDraft(String addr, String handlerType, String listenerType, Credentials handlerAuth,
                                Credentials listenerAuth, int retries, Metadata handlerMetadata,
                                Metadata listenerMetadata, Metadata serviceMetadata, List<NodeConfig> targets,
                                SelectorConfig selector, ControlDrafts controls, TlsConfig listenerTls,
                                Origin origin) {

        ServiceConfig build(String name, String chain, ControlRefs refs) {
            boolean chainOnListener = chain != null && REVERSE_LISTENERS.contains(listenerType);
            PluginConfig handler = new PluginConfig(handlerType, chainOnListener ? null : chain, retries,
                    handlerAuth, null, handlerMetadata, origin.child("handler"), queryOrigins(origin, handlerMetadata));
            PluginConfig listener = new PluginConfig(listenerType, chainOnListener ? chain : null, 0,
                    listenerAuth, null, listenerMetadata, origin.child("listener"),
                    queryOrigins(origin, listenerMetadata), listenerTls);
            HopConfig forwarder = targets.isEmpty() ? null
                    : new HopConfig(name, selector, targets, Metadata.empty(), origin.child("forwarder"));
            return new ServiceConfig(name, addr, handler, listener, forwarder, serviceMetadata, refs, origin,
                    queryOrigins(origin, serviceMetadata));
        }
    }

    private List<ServiceDraft> services(String raw, List<String> problems) {
        Problems problem = new Problems("-L", raw, problems);
        CommandUrl url = CommandUrl.parse(raw, problem);
        if (url == null) {
            return List.of();
        }
        String[] schemes = schemes(url, "handler+listener", problem);
        if (schemes == null) {
            return List.of();
        }
        String handler = schemes[0];
        String listener = schemes[schemes.length - 1];
        boolean pathScheme = List.of(schemes).stream().anyMatch(PATH_SCHEMES::contains);
        boolean pathAddress = pathScheme && url.host().isEmpty();

        List<String> addrs;
        if (pathAddress) {
            addrs = url.path().isEmpty() ? List.of() : List.of(url.path());
            if (addrs.isEmpty()) {
                problem.add("missing the path to listen on, such as unix:///run/gost.sock");
            }
        } else if (pathScheme) {
            addrs = List.of(url.host());
        } else if (url.host().isEmpty()) {
            problem.add("missing the address to listen on; use [host]:port such as :8080");
            addrs = List.of();
        } else {
            addrs = addresses(url.host(), "", true, problem);
        }

        // GOST: one scheme names the handler, and the listener too when it is a listener type; a listener
        // scheme alone (tls://, ws://) serves auto over it. A scheme that is neither is kept as the handler
        // type, so that planning refuses it with the types there are, instead of serving an open auto proxy.
        boolean knownHandler = known.handlers().test(handler);
        if (!knownHandler && schemes.length == 1 && known.listeners().test(handler)) {
            handler = "auto";
            knownHandler = true;
        }
        if (!known.listeners().test(listener) && schemes.length == 1) {
            listener = "ssu".equals(handler) ? "udp" : "tcp";
        }

        List<NodeConfig> targets = new ArrayList<>();
        String remotes = trimSlashes(url.path());
        if (!remotes.isEmpty() && !pathAddress) {
            for (String remote : remotes.split(",")) {
                if (remote.isEmpty()) {
                    continue;
                }
                List<String> expanded = pathScheme ? List.of(remote)
                        : addresses(remote, "target '" + remote + "': ", true, problem);
                for (String addr : expanded) {
                    targets.add(new NodeConfig("target-" + targets.size(), addr, null, null, null, Metadata.empty(),
                            problem.origin().child("forwarder").child("nodes").index(targets.size())));
                }
            }
            if (!"relay".equals(handler) && knownHandler) {
                handler = SAME_TYPE_FORWARDERS.contains(listener) ? listener : "forward";
            }
        }
        if ("stdio".equals(listener) && targets.isEmpty() && !url.host().isEmpty()) {
            // GOST: the stdio listener forwards to the address given as its host.
            targets.add(new NodeConfig("target-0", url.host(), null, null, null, Metadata.empty(),
                    problem.origin().child("forwarder")));
            if ("auto".equals(handler)) {
                handler = "tcp";
            }
        }

        Map<String, Object> query = new LinkedHashMap<>(url.query());
        Credentials auth = auth(url, query, problem);
        ControlDrafts controls = controlDrafts(query, problem);
        Object dns = query.get("dns");
        if (dns instanceof String servers && !servers.isEmpty()) {
            query.put("dns", List.of(servers.split(",")));
        }
        for (String key : List.of("interface", "so_mark", "proxyProtocol", "netns", "netns.out")) {
            moveToScope(query, key, "service.", problem);
        }
        SelectorConfig selector = selector(query, problem);
        TlsConfig listenerTls = queryTls(query, false, problem);
        refuseUnsupported(query, "cli:L", SERVICE_QUERY_KEYS, "handler.", problem);

        Map<String, Object> serviceMetadata = new LinkedHashMap<>();
        Map<String, Object> handlerMetadata = new LinkedHashMap<>();
        Map<String, Object> listenerMetadata = new LinkedHashMap<>();
        query.forEach((key, value) -> {
            String service = unprefixed(key, "service.");
            String handlerKey = unprefixed(key, "handler.");
            String listenerKey = unprefixed(key, "listener.");
            if (service != null) {
                serviceMetadata.put(service, value);
            } else if (handlerKey != null) {
                handlerMetadata.put(handlerKey, value);
            } else if (listenerKey != null) {
                listenerMetadata.put(listenerKey, value);
            } else {
                handlerMetadata.put(key, value);
                listenerMetadata.put(key, value);
                serviceMetadata.put(key, value);
            }
        });
        int retries = retries(handlerMetadata, problem);
        // GOST consumes retries from the handler's options; it is no listener or service option either.
        remove(listenerMetadata, "retries");
        remove(serviceMetadata, "retries");

        Credentials handlerAuth = auth;
        Credentials listenerAuth = null;
        if ("ssh".equals(listener) || "sshd".equals(listener)) {
            // The ssh transport authenticates its clients itself.
            listenerAuth = auth;
            handlerAuth = null;
        }
        if (problem.found()) {
            return List.of();
        }

        List<ServiceDraft> drafts = new ArrayList<>();
        for (int i = 0; i < addrs.size(); i++) {
            List<NodeConfig> serviceTargets;
            if (addrs.size() == 1 || targets.size() <= 1) {
                serviceTargets = targets;
            } else {
                // A port range with several targets pairs them: the n-th port forwards to the n-th target.
                serviceTargets = i < targets.size() ? List.of(targets.get(i)) : List.of();
            }
            drafts.add(new ServiceDraft(addrs.get(i), handler, listener, handlerAuth, listenerAuth, retries,
                    Metadata.of(handlerMetadata), Metadata.of(listenerMetadata), Metadata.of(serviceMetadata),
                    serviceTargets, selector, controls, listenerTls, problem.origin()));
        }
        return drafts;
    }

    private static int retries(Map<String, Object> handlerMetadata, Problems problem) {
        Object value = remove(handlerMetadata, "retries");
        if (value == null || String.valueOf(value).isEmpty()) {
            return 0;
        }
        String text = String.valueOf(value).trim();
        if (!text.matches("\\d{1,9}")) {
            problem.add("retries '" + value + "' is not a whole number of 0 or more");
            return 0;
        }
        return Integer.parseInt(text);
    }

    // ---- -F --------------------------------------------------------------------------------------------

    private HopConfig hop(String raw, int index, List<String> problems, Controls controls) {
        Problems problem = new Problems("-F", raw, problems);
        CommandUrl url = CommandUrl.parse(raw, problem);
        if (url == null) {
            return null;
        }
        String[] schemes = schemes(url, "connector+dialer", problem);
        if (schemes == null) {
            return null;
        }
        // No scheme reads as auto, which is no connector: GOST speaks http to such a node.
        String connector = "auto".equals(url.scheme()) ? "http" : schemes[0];
        String dialer = "auto".equals(url.scheme()) ? "tcp" : schemes[schemes.length - 1];
        boolean pathScheme = List.of(schemes).stream().anyMatch(PATH_SCHEMES::contains);
        // GOST: a dialer scheme alone (tls://, ws://) speaks http over it. A scheme that is neither a
        // connector nor a dialer is kept, so that planning refuses it with the types there are.
        boolean knownConnector = known.connectors().test(connector);
        if (!knownConnector && schemes.length == 1 && known.dialers().test(connector)) {
            connector = "http";
            knownConnector = true;
        }
        if (!known.dialers().test(dialer) && schemes.length == 1) {
            dialer = "ssu".equals(connector) ? "udp" : "tcp";
        }

        Map<String, Object> query = new LinkedHashMap<>(url.query());
        Credentials auth = auth(url, query, problem);
        SelectorConfig selector = selector(query, problem);
        // GOST reads these from the hop's query and makes objects of them, named before the services' ones.
        String bypass = takeHopKey(query, "bypass");
        String hosts = takeHopKey(query, "hosts");
        String resolver = takeHopKey(query, "resolver");
        TlsConfig dialerTls = queryTls(query, true, problem);
        refuseUnsupported(query, "cli:F", HOP_QUERY_KEYS, "hop.", problem);
        // netns on -F is the hop's: every node of the hop is reached from that namespace.
        for (String key : List.of("interface", "so_mark", "proxyProtocol", "netns")) {
            moveToScope(query, key, "hop.", problem);
        }

        Map<String, Object> hopMetadata = new LinkedHashMap<>();
        Map<String, Object> nodeMetadata = new LinkedHashMap<>();
        Map<String, Object> connectorMetadata = new LinkedHashMap<>();
        Map<String, Object> dialerMetadata = new LinkedHashMap<>();
        query.forEach((key, value) -> {
            String hopKey = unprefixed(key, "hop.");
            String nodeKey = unprefixed(key, "node.");
            String connectorKey = unprefixed(key, "connector.");
            String dialerKey = unprefixed(key, "dialer.");
            if (hopKey != null) {
                hopMetadata.put(hopKey, value);
            } else if (nodeKey != null) {
                nodeMetadata.put(nodeKey, value);
            } else if (connectorKey != null) {
                connectorMetadata.put(connectorKey, value);
            } else if (dialerKey != null) {
                dialerMetadata.put(dialerKey, value);
            } else {
                hopMetadata.put(key, value);
                nodeMetadata.put(key, value);
                connectorMetadata.put(key, value);
                dialerMetadata.put(key, value);
            }
        });

        boolean sshDialer = "ssh".equals(dialer) || "sshd".equals(dialer);
        Origin origin = problem.origin();
        Metadata connectorValues = Metadata.of(connectorMetadata);
        Metadata dialerValues = Metadata.of(dialerMetadata);
        PluginConfig connectorConfig = new PluginConfig(connector, null, 0, sshDialer ? null : auth, null,
                connectorValues, origin.child("connector"), queryOrigins(origin, connectorValues));
        PluginConfig dialerConfig = new PluginConfig(dialer, null, 0, sshDialer ? auth : null, null,
                dialerValues, origin.child("dialer"), queryOrigins(origin, dialerValues), dialerTls);

        List<String> addrs = new ArrayList<>();
        if (pathScheme && url.host().isEmpty()) {
            if (url.path().isEmpty()) {
                problem.add("missing the path of the node, such as unix:///run/gost.sock");
            } else {
                addrs.add(url.path());
            }
        } else if (url.host().isEmpty()) {
            problem.add("missing the node address; use host:port such as 192.0.2.1:8080");
        } else {
            for (String host : url.host().split(",")) {
                if (host.isEmpty()) {
                    continue;
                }
                addrs.addAll(pathScheme ? List.of(host)
                        : addresses(host, url.host().contains(",") ? "node '" + host + "': " : "", false, problem));
            }
        }
        if (problem.found()) {
            return null;
        }
        List<NodeConfig> nodes = new ArrayList<>();
        for (String addr : addrs) {
            Metadata nodeValues = Metadata.of(nodeMetadata);
            nodes.add(new NodeConfig("node-" + nodes.size(), addr, connectorConfig, dialerConfig, null,
                    nodeValues, origin.child("nodes").index(nodes.size()), queryOrigins(origin, nodeValues)));
        }
        Metadata hopValues = Metadata.of(hopMetadata);
        ControlRefs refs = new ControlRefs(List.of(),
                bypass == null ? List.of() : List.of(controls.bypass(MatcherDraft.parse(bypass,
                        queryOrigin(origin, "bypass")))),
                null, null, null,
                hosts == null ? null : controls.hosts(HostsDraft.parse(hosts, queryOrigin(origin, "hosts"), problem)),
                resolver == null ? null : controls.resolver(new ResolverDraft(splitList(resolver), null,
                        queryOrigin(origin, "resolver"))));
        return new HopConfig("hop-" + index, selector, nodes, hopValues, refs, origin,
                queryOrigins(origin, hopValues));
    }

    /** Removes {@code key} and {@code hop.key}; the value as text, or {@code null} when absent or empty. */
    private static String takeHopKey(Map<String, Object> query, String key) {
        Object value = remove(query, key);
        Object scoped = remove(query, "hop." + key);
        Object found = isEmpty(value) ? scoped : value;
        return isEmpty(found) ? null : String.valueOf(found).trim();
    }

    /**
     * True when this parser gives query key {@code key} of {@code flag} ({@code "L"} or {@code "F"}) the
     * meaning GOST gives it; GOST's other keys with a meaning of their own are refused.
     */
    public static boolean implementsQueryKey(String flag, String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        // These only become metadata here; planning judges them there (and refuses what gost-java lacks).
        // interface and so_mark become metadata too, and the runtime applies them to outgoing sockets.
        boolean passedOn = Set.of("proxyprotocol", "dns").contains(lower);
        return ((flag.equals("L") ? SERVICE_QUERY_KEYS : HOP_QUERY_KEYS).contains(lower) && !passedOn)
                || key.contains("<");
    }

    // ---- shared parts ----------------------------------------------------------------------------------

    /**
     * Refuses the query keys GOST gives a meaning of their own (its {@code scope} rows in {@link GostKeys}:
     * admission, limiters, hosts, resolvers, TLS files ...) that this parser does not implement, written plainly
     * or with the prefix of the object they belong to ({@code handler.} for {@code -L}, {@code hop.} for
     * {@code -F}); they are removed from {@code query}. Other keys are metadata, which planning accounts for.
     */
    private static void refuseUnsupported(Map<String, Object> query, String scope, Set<String> implemented,
                                          String ownerPrefix, Problems problem) {
        // Read only when a key needs it: parsing the catalog costs about 8 % of a start's main thread, and
        // the usual -L/-F URLs carry no query key, or only implemented ones.
        GostKeys catalog = null;
        for (String key : List.copyOf(query.keySet())) {
            String bare = Objects.requireNonNullElse(unprefixed(key, ownerPrefix), key);
            if (implemented.contains(bare.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (catalog == null) {
                catalog = GostKeys.shipped();
            }
            catalog.find(scope, bare).filter(row -> !row.key().contains("<")).ifPresent(row -> {
                remove(query, key);
                problem.add(Unsupported.message("query key '" + key + "'", row.feature()));
            });
        }
    }

    /** Each metadata key comes from the flag's query: a problem with it names {@code ?key} in the flag. */
    private static KeyOrigins queryOrigins(Origin flag, Metadata metadata) {
        Map<String, Origin> keys = new LinkedHashMap<>();
        metadata.asMap().keySet().forEach(key -> keys.put(key, new Origin(flag.source(), 0,
                "?" + metadata.spelling(key))));
        return new KeyOrigins(flag, keys);
    }

    private static String[] schemes(CommandUrl url, String form, Problems problem) {
        String[] schemes = url.scheme().split("\\+", -1);
        for (String scheme : schemes) {
            if (scheme.isEmpty()) {
                problem.add("scheme '" + url.scheme() + "' has an empty part; use " + form);
                return null;
            }
        }
        if (schemes.length > 2) {
            problem.add("scheme '" + url.scheme() + "' has " + schemes.length + " parts; use " + form);
            return null;
        }
        return schemes;
    }

    /**
     * {@code user:pass@}, then (for ss) the SIP002 form {@code base64(method:password)@}, then GOST's
     * {@code ?auth=base64(user:pass)}; the {@code auth} key never reaches any metadata.
     */
    private static Credentials auth(CommandUrl url, Map<String, Object> query, Problems problem) {
        Object authParam = remove(query, "auth");
        if (url.username() != null) {
            if (url.password() == null && url.scheme().startsWith("ss")) {
                Credentials decoded = decodeUserPass(url.username());
                if (decoded != null && decoded.password() != null && !decoded.password().isEmpty()) {
                    return decoded;
                }
            }
            return new Credentials(url.username(), url.password() == null ? "" : url.password());
        }
        if (authParam != null && !String.valueOf(authParam).isEmpty()) {
            Credentials decoded = decodeUserPass(String.valueOf(authParam));
            if (decoded == null) {
                problem.add("auth '" + authParam + "' is not base64 of user:pass");
            }
            return decoded;
        }
        return null;
    }

    private static Credentials decodeUserPass(String encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException notUrlSafe) {
            try {
                bytes = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return colon < 0 ? new Credentials(text, "") : new Credentials(text.substring(0, colon),
                text.substring(colon + 1));
    }

    /** GOST's selector keys, removed from {@code query}; {@code null} when none is given. */
    private static SelectorConfig selector(Map<String, Object> query, Problems problem) {
        Object strategy = remove(query, "strategy");
        Object maxFails = firstOf(remove(query, "maxFails"), remove(query, "max_fails"));
        Object failTimeout = firstOf(remove(query, "failTimeout"), remove(query, "fail_timeout"));
        if (isEmpty(strategy) && isEmpty(maxFails) && isEmpty(failTimeout)) {
            return null;
        }
        String strategyName = isEmpty(strategy) ? "round" : String.valueOf(strategy).toLowerCase(Locale.ROOT);
        if (!SelectorConfig.STRATEGIES.contains(strategyName)) {
            problem.add(strategyName.equals("parallel")
                    ? Unsupported.message("strategy 'parallel' (race every node)", "routing")
                    : "strategy '" + strategy + "' is unknown; use round (rr), random (rand), fifo (ha) or hash");
            strategyName = "round";
        }
        int fails = 1;
        if (!isEmpty(maxFails)) {
            String text = String.valueOf(maxFails).trim();
            if (text.matches("\\d{1,9}")) {
                fails = Math.max(1, Integer.parseInt(text));
            } else {
                problem.add("maxFails '" + maxFails + "' is not a whole number");
            }
        }
        Duration timeout = COMMAND_LINE_FAIL_TIMEOUT;
        if (!isEmpty(failTimeout)) {
            try {
                Duration parsed = Metadata.parseDuration("failTimeout", String.valueOf(failTimeout));
                if (!parsed.isZero()) {
                    timeout = parsed;
                }
            } catch (InvalidMetadataException e) {
                problem.add("failTimeout '" + failTimeout
                        + "' is not a duration; use a number of seconds or 10s, 500ms, 1m30s");
            }
        }
        return new SelectorConfig(strategyName, fails, timeout);
    }

    /**
     * GOST's TLS query keys, taken out of {@code query}: {@code certFile|cert}, {@code keyFile|key},
     * {@code caFile|ca} (each also as {@code tls.<key>}) and, on {@code -F}, {@code secure} and
     * {@code serverName}. They make the listener's (-L) or dialer's (-F) {@code tls} block, as GOST does;
     * planning refuses it when that listener or dialer does not speak TLS. {@code null} when none is given.
     */
    private static TlsConfig queryTls(Map<String, Object> query, boolean client, Problems problem) {
        Map<String, Origin> keys = new LinkedHashMap<>();
        String certFile = tlsQueryValue(query, "certFile", List.of("tls.certFile", "certFile", "cert"), keys, problem);
        String keyFile = tlsQueryValue(query, "keyFile", List.of("tls.keyFile", "keyFile", "key"), keys, problem);
        String caFile = tlsQueryValue(query, "caFile", List.of("tls.caFile", "caFile", "ca"), keys, problem);
        Boolean secure = null;
        String serverName = null;
        if (client) {
            String secureText = tlsQueryValue(query, "secure", List.of("tls.secure", "secure"), keys, problem);
            if (secureText != null) {
                if (secureText.trim().equalsIgnoreCase("true") || secureText.trim().equalsIgnoreCase("false")) {
                    secure = Boolean.parseBoolean(secureText.trim());
                } else {
                    problem.add("secure '" + secureText + "' is not true or false");
                }
            }
            serverName = tlsQueryValue(query, "serverName", List.of("tls.serverName", "serverName"), keys, problem);
        }
        // GOST's command line has no way to set the rest of a tls block: such keys become metadata nothing reads
        // (its own docs show ?rejectUnknownSNI=true, which GOST ignores). Say where they go instead.
        for (String written : List.copyOf(query.keySet())) {
            String bare = written.toLowerCase(Locale.ROOT).startsWith("tls.") ? written.substring(4) : written;
            if (TLS_BLOCK_ONLY_KEYS.stream().anyMatch(bare::equalsIgnoreCase)) {
                remove(query, written);
                problem.add(written + ": '" + bare + "' belongs in a tls block, which the command line cannot"
                        + " set beyond " + (client ? "certFile, keyFile, caFile, secure and serverName"
                        : "certFile, keyFile and caFile") + " (GOST ignores it here); write it in a configuration"
                        + " file: " + (client ? "dialer" : "listener") + ": {type: tls, tls: {" + bare + ": ...}}");
            }
        }
        if (keys.isEmpty()) {
            return null;
        }
        Origin origin = problem.origin().child(client ? "dialer" : "listener").child("tls");
        return new TlsConfig(certFile, keyFile, caFile, secure, serverName, null, null, null, null, null, null, null,
                null, null, origin, new KeyOrigins(origin, keys));
    }

    /** The first of {@code spellings} given, removed with the others; where it was written goes into {@code keys}. */
    private static String tlsQueryValue(Map<String, Object> query, String key, List<String> spellings,
                                        Map<String, Origin> keys, Problems problem) {
        String found = null;
        for (String spelling : spellings) {
            for (String written : List.copyOf(query.keySet())) {
                if (written.equalsIgnoreCase(spelling)) {
                    Object value = remove(query, written);
                    if (found == null && !isEmpty(value)) {
                        found = String.valueOf(value);
                        keys.put(key, new Origin(problem.origin().source(), 0, "?" + written));
                    }
                }
            }
        }
        return found;
    }

    /**
     * Moves {@code key} to {@code scope + key} so it lands in one place only; {@code so_mark} and
     * {@code proxyProtocol} become numbers, as GOST reads them.
     */
    private static void moveToScope(Map<String, Object> query, String key, String scope, Problems problem) {
        Object value = remove(query, key);
        if (isEmpty(value)) {
            return;
        }
        if (key.equals("so_mark") || key.equals("proxyProtocol")) {
            String text = String.valueOf(value).trim();
            // Ten digits: marks are often large bit patterns (0x6a000000 is 1778384896); the int range is the limit.
            if (!text.matches("\\d{1,10}") || Long.parseLong(text) > Integer.MAX_VALUE) {
                problem.add(key + " '" + value + "' is not a whole number from 0 to " + Integer.MAX_VALUE);
                return;
            }
            value = Integer.parseInt(text);
        }
        query.put(scope + key, value);
    }

    /**
     * {@code host:port} addresses, a port range expanded to one address per port.
     *
     * @param what names the part in messages, e.g. {@code "target 'x': "}, or empty for the listen address
     */
    private static List<String> addresses(String address, String what, boolean allowRange, Problems problem) {
        String host;
        String port;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                problem.add(what + "'" + address + "' is missing the ']' that closes the IPv6 address");
                return List.of();
            }
            host = address.substring(0, close + 1);
            String rest = address.substring(close + 1);
            if (!rest.startsWith(":")) {
                problem.add(what + "'" + address + "' needs a port, such as " + host + ":8080");
                return List.of();
            }
            port = rest.substring(1);
        } else {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                problem.add(what + "'" + address + "' needs a port, such as " + address + ":8080");
                return List.of();
            }
            host = address.substring(0, colon);
            port = address.substring(colon + 1);
        }
        if (port.isEmpty()) {
            problem.add(what + "'" + address + "' needs a port number after ':'");
            return List.of();
        }
        int dash = port.indexOf('-');
        if (allowRange && dash > 0) {
            Integer first = port(port.substring(0, dash), what, problem);
            Integer last = port(port.substring(dash + 1), what, problem);
            if (first == null || last == null) {
                return List.of();
            }
            if (first > last) {
                problem.add(what + "port range '" + port + "' is empty: " + first + " is above " + last);
                return List.of();
            }
            List<String> addresses = new ArrayList<>();
            for (int p = first; p <= last; p++) {
                addresses.add(host + ":" + p);
            }
            return addresses;
        }
        Integer single = port(port, what, problem);
        return single == null ? List.of() : List.of(host + ":" + port);
    }

    private static Integer port(String text, String what, Problems problem) {
        if (!text.matches("\\d{1,5}")) {
            problem.add(what + "port '" + text + "' is not a number");
            return null;
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            problem.add(what + "port " + port + " is out of range 0-65535");
            return null;
        }
        return port;
    }

    private static String trimSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }

    /** The key without {@code prefix} (compared ignoring case), or {@code null} when it has another. */
    private static String unprefixed(String key, String prefix) {
        return key.regionMatches(true, 0, prefix, 0, prefix.length()) ? key.substring(prefix.length()) : null;
    }

    /** Removes {@code key} in any case (metadata keys ignore case) and returns the first value found. */
    private static Object remove(Map<String, Object> map, String key) {
        Object found = null;
        Iterator<Map.Entry<String, Object>> entries = map.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, Object> entry = entries.next();
            if (entry.getKey().equalsIgnoreCase(key)) {
                if (found == null) {
                    found = entry.getValue();
                }
                entries.remove();
            }
        }
        return found;
    }

    private static Object firstOf(Object first, Object second) {
        return isEmpty(first) ? second : first;
    }

    private static boolean isEmpty(Object value) {
        return value == null || String.valueOf(value).isEmpty();
    }

    /** Collects the problems of one flag, each prefixed with the flag as the user typed it. */
    private static final class Problems {
        private final Origin origin;
        private final List<String> sink;
        private boolean found;

        Problems(String flag, String raw, List<String> sink) {
            this.origin = new Origin(flag + " '" + raw + "'", 0, "");
            this.sink = sink;
        }

        Origin origin() {
            return origin;
        }

        void add(String problem) {
            sink.add(origin + ": " + problem);
            found = true;
        }

        boolean found() {
            return found;
        }
    }

    /**
     * One {@code -L}/{@code -F} value taken apart. Parsed by hand rather than with {@link java.net.URI}:
     * GOST's addresses ({@code :8080}, port ranges, comma-separated hosts) are not valid URIs.
     *
     * @param scheme   lower case; {@code auto} when none was given, {@code https} already {@code http+tls}
     * @param username decoded, or {@code null} when there is no {@code user@}
     * @param password decoded, or {@code null} when there is no {@code :pass}
     * @param host     everything between {@code ://} (or {@code @}) and the path or query
     * @param path     from the first {@code /} after the host, undecoded, or empty
     * @param query    decoded keys and values; the first of repeated keys wins
     */
    private record CommandUrl(String scheme, String username, String password, String host, String path,
                              Map<String, Object> query) {

        static CommandUrl parse(String raw, Problems problem) {
            String text = raw.trim();
            if (text.isEmpty()) {
                problem.add("empty; expected [scheme://][user:pass@][host]:port");
                return null;
            }
            if (text.startsWith(":") || !text.contains("://")) {
                text = "auto://" + text;
            }
            int separator = text.indexOf("://");
            String scheme = text.substring(0, separator).toLowerCase(Locale.ROOT);
            if (!scheme.matches("[a-z][a-z0-9.+-]*")) {
                problem.add("scheme '" + text.substring(0, separator)
                        + "' is not valid; use a type name such as http or socks5+tls");
                return null;
            }
            if (scheme.equals("https")) {
                scheme = "http+tls";
            }
            String rest = text.substring(separator + 3);
            int fragment = rest.indexOf('#');
            if (fragment >= 0) {
                rest = rest.substring(0, fragment);
            }
            int queryStart = rest.indexOf('?');
            String query = queryStart < 0 ? "" : rest.substring(queryStart + 1);
            String beforeQuery = queryStart < 0 ? rest : rest.substring(0, queryStart);
            int slash = beforeQuery.indexOf('/');
            String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
            String path = slash < 0 ? "" : beforeQuery.substring(slash);

            String username = null;
            String password = null;
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String userInfo = authority.substring(0, at);
                authority = authority.substring(at + 1);
                int colon = userInfo.indexOf(':');
                username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), false, "user", problem);
                password = colon < 0 ? null : decode(userInfo.substring(colon + 1), false, "password", problem);
                if (username == null || (colon >= 0 && password == null)) {
                    return null;
                }
            }

            Map<String, Object> parameters = new LinkedHashMap<>();
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = decode(equals < 0 ? pair : pair.substring(0, equals), true, "query", problem);
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1), true, "query", problem);
                if (key == null || value == null) {
                    return null;
                }
                parameters.putIfAbsent(key, value);
            }
            return new CommandUrl(scheme, username, password, authority, path, parameters);
        }

        /** Percent-decoding as Go's url package does it; {@code +} is a space only in queries. */
        private static String decode(String text, boolean plusIsSpace, String part, Problems problem) {
            if (text.indexOf('%') < 0 && !(plusIsSpace && text.indexOf('+') >= 0)) {
                return text;
            }
            StringBuilder decoded = new StringBuilder(text.length());
            ByteArrayOutputStream escaped = new ByteArrayOutputStream();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '%') {
                    int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                    int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                    if (high < 0 || low < 0) {
                        problem.add("the " + part + " '" + text + "' has a '%' that is not followed by two hex digits");
                        return null;
                    }
                    // Consecutive escapes are the bytes of one UTF-8 sequence; decode them together.
                    escaped.write(high * 16 + low);
                    i += 2;
                    continue;
                }
                if (escaped.size() > 0) {
                    decoded.append(escaped.toString(StandardCharsets.UTF_8));
                    escaped.reset();
                }
                decoded.append(c == '+' && plusIsSpace ? ' ' : c);
            }
            decoded.append(escaped.toString(StandardCharsets.UTF_8));
            return decoded.toString();
        }
    }
}
