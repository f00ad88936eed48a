package io.gost.runtime.plan;

import io.gost.api.ConnectorFactory;
import io.gost.api.Credentials;
import io.gost.api.HandlerFactory;
import io.gost.api.InvalidMetadataException;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.NetnsRef;
import io.gost.api.PluginFactory;
import io.gost.api.TlsOptions;
import io.gost.runtime.config.ApiConfig;
import io.gost.runtime.config.AutherConfig;
import io.gost.runtime.config.ChainGroupConfig;
import io.gost.runtime.config.MetricsConfig;
import io.gost.runtime.config.ChainConfig;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.GostKeys;
import io.gost.runtime.config.HopConfig;
import io.gost.runtime.config.KeyOrigins;
import io.gost.runtime.config.NodeConfig;
import io.gost.runtime.config.Origin;
import io.gost.runtime.config.PluginConfig;
import io.gost.runtime.config.ResolverConfig;
import io.gost.runtime.config.ServiceConfig;
import io.gost.runtime.config.TlsConfig;
import io.gost.runtime.config.Unsupported;
import io.gost.runtime.registry.PluginEntry;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.Addresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns a configuration into a {@link GostPlan}, making every check that needs no socket: plugin types
 * against the registry, every metadata key against what the plugins and the runtime declare (so no key is
 * silently ignored), values, references between objects, addresses and namespace names. Every problem is
 * collected and reported at once, each prefixed with where it was written.
 *
 * <p>Why this class is long: it is the one place that checks references between objects (services to
 * chains, hops, bypasses, authers ...), so every kind of object has a short planning method here; the
 * checks of one object's own values live in the plan records and the factories' schemas.
 */
public final class Planner {

    /** GOST's dial timeout per step when a service sets none. */
    public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(15);

    /**
     * What planning found.
     *
     * @param plan     the plan, or {@code null} when there were problems
     * @param problems what prevents the configuration from running, each prefixed with where
     * @param warnings what is worth a look but does not prevent it
     */
    public record Result(GostPlan plan, List<String> problems, List<String> warnings) {

        public Result {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        /** The plan, or a {@link ConfigException} listing every problem. */
        public GostPlan planOrThrow() {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return plan;
        }
    }

    private final GostConfig config;
    private final PluginRegistry registry;
    private final GostKeys catalog;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final MetadataCheck metadataCheck;
    private final Map<String, ChainPlan> chains = new LinkedHashMap<>();
    private final ControlPlanner controls;
    /** Plugins whose TLS files were already found missing: creating them would only say so again. */
    private final Set<PluginPlan> tlsFileProblems = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Whether a TLS server took its defaults from the top-level {@code tls} block. */
    private boolean topLevelTlsUsed;

    private Planner(GostConfig config, PluginRegistry registry, GostKeys catalog, HostInterfaces interfaces) {
        this.config = config;
        this.registry = registry;
        this.catalog = catalog;
        this.metadataCheck = new MetadataCheck(catalog, problems, warnings);
        this.controls = new ControlPlanner(config, problems, interfaces);
    }

    /** Plans {@code config} against the plugins of {@code registry}. */
    public static Result plan(GostConfig config, PluginRegistry registry) {
        return plan(config, registry, HostInterfaces.SYSTEM);
    }

    /** Plans {@code config}, checking {@code interface} values against {@code interfaces}. */
    public static Result plan(GostConfig config, PluginRegistry registry, HostInterfaces interfaces) {
        return new Planner(config, registry, GostKeys.shipped(), interfaces).plan();
    }

    /** Plans {@code config}, or throws a {@link ConfigException} listing every problem. */
    public static GostPlan planOrThrow(GostConfig config, PluginRegistry registry) {
        return plan(config, registry).planOrThrow();
    }

    private Result plan() {
        ControlPlan controlPlan = controls.plan();
        TlsConfig topLevelTls = config.tls();
        if (topLevelTls != null) {
            for (String key : topLevelTls.written()) {
                if (TlsConfig.CLIENT_ONLY.contains(key)) {
                    problem(topLevelTls.at(key), "'" + key + "' is a TLS client's setting, and the top-level tls block"
                            + " is the default of TLS servers (listeners); put it in a dialer's tls block");
                }
            }
            checkTlsFiles(topLevelTls);
        }
        for (ChainConfig chainConfig : config.chains()) {
            if (chains.containsKey(chainConfig.name())) {
                problem(chainConfig.origin(), "a chain named '" + chainConfig.name() + "' is defined twice");
                continue;
            }
            ChainPlan chain = chain(chainConfig);
            if (chain != null) {
                chains.put(chainConfig.name(), chain);
            }
        }
        controlPlan = nameserverChains(controlPlan);
        Set<String> serviceNames = new LinkedHashSet<>();
        List<ServicePlan> services = new ArrayList<>();
        for (ServiceConfig serviceConfig : config.services()) {
            if (!serviceNames.add(serviceConfig.name())) {
                problem(serviceConfig.origin(), "a service named '" + serviceConfig.name() + "' is defined twice");
                continue;
            }
            ServicePlan service = service(serviceConfig);
            if (service != null) {
                services.add(service);
            }
        }
        if (topLevelTls != null && !topLevelTlsUsed) {
            warnings.add(topLevelTls.origin() + ": the top-level tls block is used by no service: it is the default"
                    + " of TLS listeners (tls, wss ...) that have no certificate of their own, and there are none");
        }
        if (!problems.isEmpty()) {
            return new Result(null, problems, warnings);
        }
        OperationsPlan operations = operations();
        if (!problems.isEmpty()) {
            return new Result(null, problems, warnings);
        }
        GostPlan plan = new GostPlan(services, List.copyOf(chains.values()), controlPlan,
                config.log(), config.netnsProvider(), warnings, registry, config, operations);
        return new Result(plan, problems, warnings);
    }

    /** The resolvers with the chains their nameservers are asked through; a name that is not a chain is a problem. */
    private ControlPlan nameserverChains(ControlPlan controlPlan) {
        List<ControlPlan.Resolver> resolvers = new ArrayList<>();
        for (ControlPlan.Resolver resolver : controlPlan.resolvers()) {
            Map<String, ChainPlan> used = new LinkedHashMap<>();
            for (ResolverConfig.Nameserver server : resolver.config().nameservers()) {
                if (server.chain() == null) {
                    continue;
                }
                ChainPlan chain = chainReference(server.chain(), server.origin().child("chain"));
                if (chain != null) {
                    used.put(server.chain(), chain);
                }
            }
            resolvers.add(used.isEmpty() ? resolver : resolver.withChains(used));
        }
        return controlPlan.withResolvers(resolvers);
    }

    // ---- operations ------------------------------------------------------------------------------------

    private OperationsPlan operations() {
        OperationsPlan.Api api = null;
        OperationsPlan.Metrics metrics = null;
        if (config.api() != null) {
            ApiConfig apiConfig = config.api();
            InetSocketAddress address = operationsAddress(apiConfig.addr(), apiConfig.origin().child("addr"));
            List<Credentials> users = operationsUsers(apiConfig.auth(), apiConfig.auther(), apiConfig.origin());
            if (address != null && users != null) {
                api = new OperationsPlan.Api(address, apiConfig.pathPrefix(), apiConfig.accessLog(), users,
                        apiConfig.origin());
            }
        }
        if (config.metrics() != null) {
            MetricsConfig metricsConfig = config.metrics();
            InetSocketAddress address = operationsAddress(metricsConfig.addr(), metricsConfig.origin().child("addr"));
            List<Credentials> users = operationsUsers(metricsConfig.auth(), metricsConfig.auther(),
                    metricsConfig.origin());
            if (address != null && users != null) {
                metrics = new OperationsPlan.Metrics(address, metricsConfig.path(), users, metricsConfig.clientLabel(),
                        metricsConfig.origin());
            }
        }
        if (api != null && metrics != null && api.address().equals(metrics.address())
                && api.address().getPort() != 0) {
            problem(config.metrics().origin().child("addr"), "the metrics and the API both listen on " + api.address()
                    + "; give them different ports");
        }
        return new OperationsPlan(api, metrics);
    }

    /**
     * The address of the API or metrics: {@code :port} is loopback here, so that an endpoint that can change
     * the configuration is not reachable from other hosts unless the address says so ({@code 0.0.0.0:port}).
     */
    private InetSocketAddress operationsAddress(String addr, Origin origin) {
        try {
            return addr.trim().startsWith(":") ? new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(),
                    Addresses.split(addr.trim()).port()) : Addresses.listen(addr.trim());
        } catch (IllegalArgumentException e) {
            problem(origin, e.getMessage());
            return null;
        }
    }

    /** Inline {@code auth}, or the users of {@code auther} (which wins, as in GOST); {@code null} after a problem. */
    private List<Credentials> operationsUsers(Credentials auth, String autherName, Origin origin) {
        if (autherName != null) {
            Optional<AutherConfig> auther = config.auther(autherName);
            if (auther.isEmpty() || auther.get().auths().isEmpty()) {
                problem(origin.child("auther"), auther.isEmpty() ? "no auther named '" + autherName + "' in authers"
                        : "auther '" + autherName + "' has no users, so nobody could log in; add auths to it");
                return null;
            }
            return auther.get().auths();
        }
        return auth == null ? List.of() : List.of(auth);
    }

    // ---- services --------------------------------------------------------------------------------------

    private ServicePlan service(ServiceConfig serviceConfig) {
        Origin origin = serviceConfig.origin();
        Metadata metadata = serviceConfig.metadata();
        KeyOrigins keys = serviceConfig.metadataOrigins();
        int before = problems.size();
        PluginPlan listener = plugin(PluginKind.LISTENER, serviceConfig.listener(), originOf(serviceConfig.listener(),
                origin.child("listener")));
        InetSocketAddress bindAddress = null;
        try {
            bindAddress = Addresses.listen(serviceConfig.addr());
        } catch (IllegalArgumentException e) {
            // What an address looks like is the listener's business (a unix socket is a path): only a known
            // listener's address is judged.
            if (listener != null) {
                problem(origin.child("addr"), e.getMessage());
            }
        }
        PluginPlan handler = plugin(PluginKind.HANDLER, serviceConfig.handler(), originOf(serviceConfig.handler(),
                origin.child("handler")));

        List<MetadataCheck.Reader> readers = new ArrayList<>();
        readers.add(new MetadataCheck.Reader("the service", metadata, keys, List.of(RuntimeKeys.SERVICE),
                List.of("metadata:service")));
        if (handler != null) {
            readers.add(new MetadataCheck.Reader("the " + handler.type() + " handler", handler.metadata(),
                    serviceConfig.handler().metadataOrigins(),
                    List.of(handler.factory().metadataSchema(), RuntimeKeys.HANDLER),
                    catalogScopes("handler", handler)));
        }
        if (listener != null) {
            readers.add(new MetadataCheck.Reader("the " + listener.type() + " listener", listener.metadata(),
                    serviceConfig.listener().metadataOrigins(), List.of(listener.factory().metadataSchema()),
                    catalogScopes("listener", listener)));
        }
        metadataCheck.check("service " + serviceConfig.name(), readers);

        NetnsRef netns = namespace(metadata, "netns", keys);
        NetnsRef netnsOut = namespace(metadata, "netns.out", keys);
        Duration dialTimeout = positiveDuration(metadata, "dialTimeout", keys, DEFAULT_DIAL_TIMEOUT);
        // gost-java's own option, read from the service's metadata or, as handler options, the handler's.
        Duration idleTimeout = metadata.contains("idleTimeout") || handler == null
                ? positiveDuration(metadata, "idleTimeout", keys, null)
                : positiveDuration(handler.metadata(), "idleTimeout", serviceConfig.handler().metadataOrigins(), null);
        int maxConnections = 0;
        try {
            maxConnections = metadata.getInt("maxConnections", 0);
            if (maxConnections < 0) {
                problem(keys.of("maxConnections"), "maxConnections must be 0 (no limit) or more, got "
                        + maxConnections);
            }
        } catch (InvalidMetadataException e) {
            // reported by the metadata check
        }
        boolean hashByTarget = false;
        if (handler != null) {
            String hash = handler.metadata().getString("hash", "").trim();
            if (hash.equalsIgnoreCase("host")) {
                hashByTarget = true;
            } else if (!hash.isEmpty()) {
                problem(serviceConfig.handler().metadataOrigins().of("hash"), "hash '" + hash + "' is not a hash"
                        + " source; 'host' picks nodes of hash selectors by target host (without it, by client"
                        + " address)");
            }
        }

        // A reverse listener (rtcp, rudp) opens its port through the listener's chain, and its handler reaches the
        // targets through its own (GOST keeps two routers); for any other listener a chain written on the
        // listener is the handler's, as gost-java has always read it.
        boolean reverseListener = listener != null && listener.factory() instanceof ListenerFactory listenerFactory
                && listenerFactory.opensPortsThroughChain();
        ChainPlan chain;
        ChainPlan listenerChain = null;
        if (reverseListener) {
            chain = chainNamed(serviceConfig.handler().chain(), serviceConfig, true);
            listenerChain = chainNamed(serviceConfig.listener().chain(), serviceConfig, false);
            if (serviceConfig.listener().chainGroup() != null) {
                // The port opens on the last hop of one chain, kept open; a group would pick per connection.
                problem(serviceConfig.listener().chainGroup().origin(), "a reverse listener (" + listener.type()
                        + ") opens its port through one chain, listener.chain; a listener chainGroup is not"
                        + " supported for it (a chainGroup on the handler picks the chain to the targets)");
            }
        } else {
            boolean onHandler = serviceConfig.handler().chain() != null;
            chain = chainNamed(onHandler ? serviceConfig.handler().chain() : serviceConfig.listener().chain(),
                    serviceConfig, onHandler);
        }
        ChainGroupPlan chainGroup = null;
        ChainGroupConfig groupConfig = serviceConfig.handler().chainGroup() != null
                ? serviceConfig.handler().chainGroup()
                : reverseListener ? null : serviceConfig.listener().chainGroup();
        if (groupConfig != null) {
            List<ChainPlan> grouped = new ArrayList<>();
            if (chain != null) {
                grouped.add(chain); // GOST puts the handler's own chain first
            }
            for (String grouped1 : groupConfig.chains()) {
                ChainPlan member = chainReference(grouped1, groupConfig.origin().child("chains"));
                if (member != null && !grouped.contains(member)) {
                    grouped.add(member);
                }
            }
            chainGroup = new ChainGroupPlan(grouped, groupConfig.selector(), groupConfig.origin());
            chain = null;
        }
        ServiceControls serviceControls = controls.service(serviceConfig.controls(), origin, metadata, keys,
                handler == null ? null : handler.metadata(), serviceConfig.handler().metadataOrigins(),
                netnsOut != null, serviceConfig.handler());
        HopPlan forwarder = serviceConfig.forwarder() == null ? null : forwarder(serviceConfig.forwarder());
        if (forwarder == null && chainGroup == null) {
            forwarder = toTheLastHop(chain);
        }

        if (handler != null && handler.factory() instanceof HandlerFactory handlerFactory) {
            HandlerFactory.ForwarderUse use = handlerFactory.forwarderUse();
            if (forwarder == null && use == HandlerFactory.ForwarderUse.REQUIRED) {
                problem(handler.origin().child("type"), "handler " + handler.type() + " forwards to fixed targets,"
                        + " and this service has none; give them as -L " + handler.type() + "://:PORT/HOST:PORT or"
                        + " in a 'forwarder' block with nodes");
            } else if (serviceConfig.forwarder() != null && use == HandlerFactory.ForwarderUse.NONE) {
                problem(serviceConfig.forwarder().origin(), "handler " + handler.type() + " lets clients choose"
                        + " their targets and never uses a forwarder, so these targets would be ignored; remove the"
                        + " forwarder, or use handler tcp or forward");
            }
            validateByCreating(handler, serviceConfig.name(), serviceConfig.handler().metadataOrigins());
        }
        if (listener != null) {
            validateByCreating(listener, serviceConfig.name(), serviceConfig.listener().metadataOrigins());
        }
        if (!registry.has(PluginKind.DIALER, "tcp")) {
            problem(origin, "the built-in dialer 'tcp' is not installed (gost-plugin-tcp); direct dials need it");
        }
        if (problems.size() > before || bindAddress == null || listener == null || handler == null) {
            return null;
        }
        boolean lettingClientsChoose = handler.factory() instanceof HandlerFactory handlerFactory
                && handlerFactory.letsClientsChooseTargets();
        boolean openProxy = lettingClientsChoose && !handler.requiresAuthentication()
                && !listener.requiresAuthentication();
        if (!serviceControls.skipauth().isEmpty()) {
            handler = handler.withSkipauth(serviceControls.skipauth());
        }
        return new ServicePlan(serviceConfig.name(), serviceConfig.addr(), bindAddress, listener, handler, forwarder,
                chain, chainGroup, listenerChain, serviceControls, netns, netnsOut, dialTimeout, idleTimeout,
                Math.max(0, maxConnections),
                serviceConfig.handler().retries(), hashByTarget, openProxy, origin);
    }

    /**
     * GOST's {@code gost -L tcp://:8000 -F forward+tls://server:8443}: a service that forwards to fixed targets
     * names none, and its chain ends in a hop whose connectors speak no protocol ({@code forward}), so the tunnel
     * ends at that hop, which forwards on by its own configuration. The targets are then the hop's own nodes
     * (GOST dials ":0", which its forward connector ignores); {@code null} when the chain does not end so.
     */
    private static HopPlan toTheLastHop(ChainPlan chain) {
        if (chain == null || chain.hops().isEmpty()) {
            return null;
        }
        HopPlan last = chain.hops().get(chain.hops().size() - 1);
        boolean endsThere = !last.nodes().isEmpty() && last.nodes().stream().allMatch(node -> node.connector() != null
                && node.connector().factory() instanceof ConnectorFactory connector && connector.tunnelEndsAtTheHop());
        if (!endsThere) {
            return null;
        }
        List<NodePlan> targets = last.nodes().stream().map(node -> new NodePlan(node.name(), node.addr(),
                node.address(), null, null, null, "", node.weight(), node.backup(), OptionalInt.empty(),
                Optional.empty(), RouteControls.NONE, node.origin())).toList();
        return new HopPlan(last.name(), last.selector(), targets, null, RouteControls.NONE, last.origin());
    }

    /** The chain named on the service's handler ({@code onHandler}) or listener, or null; a wrong name is reported. */
    private ChainPlan chainNamed(String chainName, ServiceConfig serviceConfig, boolean onHandler) {
        if (chainName == null) {
            return null;
        }
        ChainPlan chain = chains.get(chainName);
        if (chain == null && config.chain(chainName).isEmpty()) {
            Origin origin = serviceConfig.origin();
            Origin chainOrigin = onHandler
                    ? originOf(serviceConfig.handler(), origin.child("handler")).child("chain")
                    : originOf(serviceConfig.listener(), origin.child("listener")).child("chain");
            problem(chainOrigin, "no chain named '" + chainName + "' in chains" + (config.chains().isEmpty() ? ""
                    : "; known: " + String.join(", ", config.chains().stream().map(ChainConfig::name).toList())));
        }
        return chain;
    }

    /** A service's fixed targets: dialed directly (or through the service's chain), so no connector or dialer. */
    private HopPlan forwarder(HopConfig hopConfig) {
        List<NodePlan> nodes = new ArrayList<>();
        for (NodeConfig nodeConfig : hopConfig.nodes()) {
            if (nodeConfig.connector() != null || nodeConfig.dialer() != null) {
                Origin where = nodeConfig.connector() != null
                        ? originOf(nodeConfig.connector(), nodeConfig.origin().child("connector"))
                        : originOf(nodeConfig.dialer(), nodeConfig.origin().child("dialer"));
                problem(where, "a forwarder target is dialed directly (or through the service's chain), as GOST"
                        + " does, so a connector or dialer here would not be used; remove it, or put the proxy"
                        + " into a chain");
            }
            metadataCheck.check("forwarder target " + nodeConfig.name(), List.of(new MetadataCheck.Reader(
                    "the forwarder", nodeConfig.metadata(), nodeConfig.metadataOrigins(), List.of(RuntimeKeys.NODE),
                    List.of("metadata:node"))));
            NodePlan node = node(nodeConfig, null, null, null, "", RouteControls.NONE);
            if (node != null) {
                nodes.add(node);
            }
        }
        return new HopPlan(hopConfig.name(), hopConfig.selector(), nodes, null, RouteControls.NONE, hopConfig.origin());
    }

    /** The chain called {@code name}, or {@code null} with a problem when there is none. */
    private ChainPlan chainReference(String name, Origin where) {
        ChainPlan found = chains.get(name);
        if (found == null && config.chain(name).isEmpty()) {
            problem(where, "no chain named '" + name + "' in chains" + (config.chains().isEmpty() ? ""
                    : "; known: " + String.join(", ", config.chains().stream().map(ChainConfig::name).toList())));
        }
        return found;
    }

    // ---- chains ----------------------------------------------------------------------------------------

    private ChainPlan chain(ChainConfig chainConfig) {
        int before = problems.size();
        metadataCheck.check("chain " + chainConfig.name(), List.of(new MetadataCheck.Reader("the chain",
                chainConfig.metadata(), chainConfig.metadataOrigins(), List.of(RuntimeKeys.CHAIN),
                List.of("metadata:chain"))));
        List<HopPlan> hops = new ArrayList<>();
        for (HopConfig hopConfig : chainConfig.hops()) {
            HopPlan hop = hop(hopConfig);
            if (hop != null) {
                hops.add(hop);
            }
        }
        boolean backup = false;
        try {
            backup = chainConfig.metadata().getBoolean("backup", false);
        } catch (InvalidMetadataException e) {
            // reported by the metadata check
        }
        return problems.size() > before ? null : new ChainPlan(chainConfig.name(), hops, backup, chainConfig.origin());
    }

    private HopPlan hop(HopConfig hopConfig) {
        int before = problems.size();
        NetnsRef hopNamespace = namespace(hopConfig.metadata(), "netns", hopConfig.metadataOrigins());
        RouteControls hopControls = controls.hop(hopConfig.controls(), hopConfig.origin(), hopConfig.metadata(),
                hopConfig.metadataOrigins(), hopNamespace != null);
        List<MetadataCheck.Reader> readers = new ArrayList<>();
        readers.add(new MetadataCheck.Reader("the hop", hopConfig.metadata(), hopConfig.metadataOrigins(),
                List.of(RuntimeKeys.HOP), List.of("metadata:hop")));
        List<NodePlan> nodes = new ArrayList<>();
        for (NodeConfig nodeConfig : hopConfig.nodes()) {
            PluginConfig dialerConfig = nodeConfig.dialer() != null ? nodeConfig.dialer() : PluginConfig.of("tcp");
            PluginConfig connectorConfig = nodeConfig.connector() != null ? nodeConfig.connector()
                    : PluginConfig.of("http");
            PluginPlan dialer = plugin(PluginKind.DIALER, dialerConfig, originOf(dialerConfig,
                    nodeConfig.origin().child("dialer")));
            PluginPlan connector = plugin(PluginKind.CONNECTOR, connectorConfig, originOf(connectorConfig,
                    nodeConfig.origin().child("connector")));
            List<MetadataCheck.Reader> nodeReaders = new ArrayList<>();
            nodeReaders.add(new MetadataCheck.Reader("node " + nodeConfig.name(), nodeConfig.metadata(),
                    nodeConfig.metadataOrigins(), List.of(RuntimeKeys.NODE), List.of("metadata:node")));
            if (connector != null) {
                nodeReaders.add(new MetadataCheck.Reader("the " + connector.type() + " connector of node "
                        + nodeConfig.name(), connector.metadata(), connectorConfig.metadataOrigins(),
                        List.of(connector.factory().metadataSchema()), catalogScopes("connector", connector)));
            }
            if (dialer != null) {
                nodeReaders.add(new MetadataCheck.Reader("the " + dialer.type() + " dialer of node "
                        + nodeConfig.name(), dialer.metadata(), dialerConfig.metadataOrigins(),
                        List.of(dialer.factory().metadataSchema()), catalogScopes("dialer", dialer)));
            }
            readers.addAll(nodeReaders);
            if (dialer != null) {
                validateByCreating(dialer, nodeConfig.name(), dialerConfig.metadataOrigins());
            }
            if (connector != null) {
                validateByCreating(connector, nodeConfig.name(), connectorConfig.metadataOrigins());
            }
            NodePlan node = node(nodeConfig, dialer, connector, hopNamespace, "hop " + hopConfig.name(), hopControls);
            if (node != null) {
                nodes.add(node);
            }
        }
        // One account for the hop and its nodes: the command line copies a -F query key into the hop's map
        // and into each node's, connector's and dialer's, and each reads only its own.
        metadataCheck.check("hop " + hopConfig.name(), readers);
        return problems.size() > before ? null
                : new HopPlan(hopConfig.name(), hopConfig.selector(), nodes, hopNamespace, hopControls,
                        hopConfig.origin());
    }

    private NodePlan node(NodeConfig nodeConfig, PluginPlan dialer, PluginPlan connector, NetnsRef hopNamespace,
                          String hopLabel, RouteControls hopControls) {
        KeyOrigins keys = nodeConfig.metadataOrigins();
        InetSocketAddress address;
        try {
            address = Addresses.target(nodeConfig.addr());
        } catch (IllegalArgumentException e) {
            problem(nodeConfig.origin().child("addr"), e.getMessage());
            return null;
        }
        // GOST's precedence: node metadata netns > the deprecated node field > hop metadata.
        NetnsRef netns;
        String netnsSource;
        if (nodeConfig.metadata().contains("netns")) {
            netns = namespace(nodeConfig.metadata(), "netns", keys);
            netnsSource = "node metadata";
        } else if (nodeConfig.netns() != null && !nodeConfig.netns().isBlank()) {
            netns = namespace(nodeConfig.netns(), nodeConfig.origin().child("netns"));
            netnsSource = "node";
        } else {
            netns = hopNamespace;
            netnsSource = hopNamespace == null ? "" : hopLabel;
        }
        Metadata metadata = nodeConfig.metadata();
        int weight = 1;
        boolean backup = false;
        OptionalInt maxFails = OptionalInt.empty();
        Optional<Duration> failTimeout = Optional.empty();
        try {
            weight = metadata.getInt("weight", 1);
            backup = metadata.getBoolean("backup", false);
            if (metadata.contains("maxFails")) {
                maxFails = OptionalInt.of(metadata.getInt("maxFails", 1));
            }
            if (metadata.contains("failTimeout")) {
                failTimeout = Optional.of(metadata.getDuration("failTimeout", Duration.ZERO));
            }
        } catch (InvalidMetadataException e) {
            return null; // reported by the metadata check, at the key
        }
        RouteControls nodeControls = controls.node(nodeConfig.controls(), nodeConfig.origin(), metadata, keys,
                hopControls, netns != null);
        return new NodePlan(nodeConfig.name(), nodeConfig.addr(), address, dialer, connector, netns, netnsSource,
                weight, backup, maxFails, failTimeout, nodeControls, nodeConfig.origin());
    }

    // ---- plugins ---------------------------------------------------------------------------------------

    private PluginPlan plugin(PluginKind kind, PluginConfig pluginConfig, Origin origin) {
        String type = pluginConfig.type();
        if (!registry.has(kind, type)) {
            problem(origin.child("type"), unknownTypeMessage(kind, type));
            return null;
        }
        PluginEntry entry = registry.require(kind, type);
        List<Credentials> accepted = new ArrayList<>();
        List<String> authers = List.of();
        Credentials presented = null;
        if (kind == PluginKind.HANDLER || kind == PluginKind.LISTENER) {
            if (pluginConfig.auth() != null) {
                accepted.add(pluginConfig.auth());
            }
            for (String autherName : pluginConfig.authers()) {
                Optional<AutherConfig> auther = config.auther(autherName);
                if (auther.isEmpty()) {
                    problem(origin.child("auther"), "no auther named '" + autherName + "' in authers"
                            + (config.authers().isEmpty() ? "" : "; known: "
                            + String.join(", ", config.authers().stream().map(AutherConfig::name).toList())));
                    return null;
                }
                if (auther.get().auths().isEmpty() && !auther.get().sources().external()
                        && auther.get().plugin() == null) {
                    problem(origin.child("auther"), "auther '" + autherName + "' has no users, so nobody could"
                            + " log in; add auths to it, or a file, redis or http source");
                    return null;
                }
            }
            authers = pluginConfig.authers();
        } else {
            presented = pluginConfig.auth();
        }
        int before = problems.size();
        TlsOptions tls = tls(kind, entry.factory(), pluginConfig);
        PluginPlan plan = new PluginPlan(kind, type, entry.factory(), entry.source(), pluginConfig.metadata(), accepted,
                authers, null, presented, origin, tls);
        if (problems.size() > before) {
            tlsFileProblems.add(plan);
        }
        return plan;
    }

    /**
     * The TLS settings a plugin gets: none for a plugin that does not use TLS (a {@code tls} block for it is
     * refused), a client's own block, and for a server GOST's rule: a block with its own certificate stands
     * alone, otherwise it is laid over the top-level {@code tls} (the servers' default); nothing at all is the
     * built-in defaults (a generated certificate, no verification). Keys for the other side are refused.
     */
    private TlsOptions tls(PluginKind kind, PluginFactory factory, PluginConfig pluginConfig) {
        TlsConfig own = pluginConfig.tls();
        String label = kind.label() + " " + pluginConfig.type();
        boolean server = kind == PluginKind.LISTENER || kind == PluginKind.HANDLER;
        if (!factory.usesTls()) {
            if (own != null) {
                problem(own.origin(), "the " + label + " does not use TLS settings, so this tls block would be"
                        + " ignored; " + switch (kind) {
                            case LISTENER -> "use a listener that speaks TLS (tls, wss; -L https://, tls://,"
                                    + " socks5+tls:// ...)";
                            case DIALER -> "use a dialer that speaks TLS (tls, wss; -F https://, socks5+tls:// ...)";
                            case HANDLER -> "TLS goes on the listener (listener: {type: tls, tls: {...}}); gost-java"
                                    + " has no TLS inside handler protocols";
                            case CONNECTOR -> "TLS goes on the dialer (dialer: {type: tls, tls: {...}}); gost-java"
                                    + " has no TLS inside connector protocols";
                        });
            }
            return null;
        }
        if (own != null) {
            for (String key : own.written()) {
                if (server && TlsConfig.CLIENT_ONLY.contains(key)) {
                    problem(own.at(key), "'" + key + "' is a TLS client's setting; the " + label + " is a TLS server"
                            + " (its tls block has certFile/keyFile, and caFile to require client certificates)");
                } else if (!server && TlsConfig.SERVER_ONLY.contains(key)) {
                    problem(own.at(key), "'" + key + "' is a TLS server's setting; the " + label + " is a TLS client"
                            + " (its tls block has secure, serverName, caFile, and certFile/keyFile for a client"
                            + " certificate)");
                }
            }
            checkTlsFiles(own);
        }
        try {
            String ownSource = own == null ? null : "tls block at " + own.origin();
            if (!server) {
                return own == null ? TlsOptions.DEFAULTS : own.toOptions(ownSource);
            }
            TlsConfig topLevel = config.tls();
            if (own != null && own.hasCertificateFiles()) {
                return own.toOptions(ownSource);
            }
            if (topLevel != null) {
                topLevelTlsUsed = true;
                TlsOptions base = topLevel.toOptions("top-level tls block at " + topLevel.origin());
                return own == null ? base : own.over(base, ownSource + " over the top-level tls block");
            }
            return own == null ? TlsOptions.DEFAULTS : own.toOptions(ownSource);
        } catch (IllegalArgumentException e) {
            problem(own != null ? own.origin() : pluginConfig.origin(), e.getMessage());
            return null;
        }
    }

    /** The files a tls block names exist and can be read; what is in them the plugin judges. */
    private void checkTlsFiles(TlsConfig tls) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("certFile", tls.certFile());
        files.put("keyFile", tls.keyFile());
        files.put("caFile", tls.caFile());
        files.forEach((key, file) -> {
            if (file == null) {
                return;
            }
            java.nio.file.Path path = java.nio.file.Path.of(file);
            if (!java.nio.file.Files.exists(path)) {
                problem(tls.at(key), key + " '" + file + "' does not exist" + (path.isAbsolute() ? ""
                        : " (relative paths are from the working directory, " + java.nio.file.Path.of("")
                        .toAbsolutePath() + ")"));
            } else if (!java.nio.file.Files.isReadable(path) || java.nio.file.Files.isDirectory(path)) {
                problem(tls.at(key), key + " '" + file + "' cannot be read"
                        + (java.nio.file.Files.isDirectory(path) ? " (it is a directory)" : " (permissions)"));
            }
        });
    }

    /** An unknown type: GOST's and not supported yet, or not GOST's at all; either way, the known ones. */
    private String unknownTypeMessage(PluginKind kind, String type) {
        CommandLineParser.KnownTypes gost = CommandLineParser.KnownTypes.gost();
        Predicate<String> gostTypes = switch (kind) {
            case LISTENER -> gost.listeners();
            case HANDLER -> gost.handlers();
            case DIALER -> gost.dialers();
            case CONNECTOR -> gost.connectors();
        };
        String known = "; " + kind.label() + " types here: " + String.join(", ", registry.knownTypes(kind))
                + " (`gost plugins` shows where each comes from)" + registry.unloadedPluginsNote(kind);
        if (gostTypes.test(type)) {
            return Unsupported.message(kind.label() + " type '" + type + "'", "") + known;
        }
        return "unknown " + kind.label() + " type '" + type + "'" + known;
    }

    /** Where GOST's keys for this plugin are catalogued: its type, and the type an alias stands for. */
    private static List<String> catalogScopes(String kindLabel, PluginPlan plugin) {
        Set<String> scopes = new LinkedHashSet<>();
        if (kindLabel.equals("handler")) {
            scopes.add("metadata:handler"); // what GOST's service parser reads from any handler's metadata
        }
        scopes.add("metadata:" + kindLabel + "/" + plugin.type());
        scopes.add("metadata:" + kindLabel + "/" + plugin.factory().type().toLowerCase(Locale.ROOT));
        return List.copyOf(scopes);
    }

    /**
     * Creates the plugin once and closes it (creating allocates nothing): the factory judges the values only
     * it can, and a refusal is reported at the key it names.
     */
    private void validateByCreating(PluginPlan plugin, String owner, KeyOrigins keys) {
        if (tlsFileProblems.contains(plugin)) {
            return; // its TLS settings are already reported; creating it would report the same files again
        }
        try (AutoCloseable created = plugin.create(owner, registry)) {
            // nothing to do: created only to be checked
            assert created != null;
        } catch (InvalidMetadataException e) {
            problem(keys.of(e.key()), plugin.kind().label() + " '" + plugin.type() + "': " + e.getMessage());
        } catch (Exception e) {
            problem(plugin.origin(), plugin.kind().label() + " '" + plugin.type() + "': " + e.getMessage());
        }
    }

    // ---- values ----------------------------------------------------------------------------------------

    private NetnsRef namespace(Metadata metadata, String key, KeyOrigins keys) {
        Optional<String> text = metadata.string(key);
        return text.isEmpty() ? null : namespace(text.get(), keys.of(key));
    }

    private NetnsRef namespace(String text, Origin origin) {
        try {
            return NetnsRef.parse(text);
        } catch (IllegalArgumentException e) {
            problem(origin, e.getMessage());
            return null;
        }
    }

    private Duration positiveDuration(Metadata metadata, String key, KeyOrigins keys, Duration absent) {
        if (!metadata.contains(key)) {
            return absent;
        }
        try {
            Duration value = metadata.getDuration(key, absent);
            if (value.isZero() || value.isNegative()) {
                return absent; // GOST: zero or negative means the default
            }
            return value;
        } catch (InvalidMetadataException e) {
            return absent; // reported by the metadata check
        }
    }

    /** Where a plugin block was written, or {@code fallback} for blocks made up as defaults. */
    private static Origin originOf(PluginConfig pluginConfig, Origin fallback) {
        return pluginConfig.origin() == Origin.UNKNOWN ? fallback : pluginConfig.origin();
    }

    private void problem(Origin origin, String message) {
        String text = origin + ": " + message;
        if (!problems.contains(text)) {
            problems.add(text);
        }
    }
}
