package io.gost.runtime;

import io.gost.api.Authenticator;
import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Dialer;
import io.gost.api.Handler;
import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.PluginContext;
import io.gost.api.Transport;
import io.gost.runtime.bypass.Bypass;
import io.gost.runtime.chain.Chain;
import io.gost.runtime.chain.ChainRouter;
import io.gost.runtime.chain.Hop;
import io.gost.runtime.chain.Node;
import io.gost.runtime.chain.Selector;
import io.gost.runtime.config.BypassConfig;
import io.gost.runtime.config.ChainConfig;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.HopConfig;
import io.gost.runtime.config.NodeConfig;
import io.gost.runtime.config.Origin;
import io.gost.runtime.config.PluginConfig;
import io.gost.runtime.config.ServiceConfig;
import io.gost.runtime.netns.NamespaceManager;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.Addresses;
import io.gost.runtime.service.CredentialsAuthenticator;
import io.gost.runtime.service.Service;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration brought to life: every service with its listener, handler, forwarder and chain.
 *
 * <p>{@link #create} checks the whole configuration against the registry and plans every object without
 * opening anything, reporting every problem at once; {@link #start} opens namespaces and binds listeners,
 * undoing everything when one of them fails; {@link #close} releases it all.
 */
public final class GostRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GostRuntime.class);

    /** GOST's default dial timeout per attempt. */
    public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Handlers that let a client name any target: without credentials on a non-loopback address they are an
     * open proxy, which start-up warns about.
     */
    private static final Set<String> PROXY_HANDLERS =
            Set.of("auto", "http", "http2", "http3", "socks", "socks4", "socks4a", "socks5", "relay");

    private final GostConfig config;
    private final Transport transport;
    private final NamespaceManager namespaces;
    private final List<PlannedService> planned;
    private final List<AutoCloseable> plugins;
    private final List<Service> started = new ArrayList<>();
    private final List<NetnsRef> acquired = new ArrayList<>();

    private GostRuntime(GostConfig config, Transport transport, NamespaceManager namespaces,
                        List<PlannedService> planned, List<AutoCloseable> plugins) {
        this.config = config;
        this.transport = transport;
        this.namespaces = namespaces;
        this.planned = planned;
        this.plugins = plugins;
    }

    /** A service with everything it needs, not yet started. */
    private record PlannedService(Service service, ServiceConfig config, Set<NetnsRef> namespaces) {
    }

    /**
     * Plans every service of {@code config}.
     *
     * @throws ConfigException listing every problem found (unknown types, dangling chain or auther names,
     *                         malformed addresses or namespaces), each with where it was configured
     */
    public static GostRuntime create(GostConfig config, PluginRegistry registry, NetnsProvider provider,
                                     Transport transport) {
        Planner planner = new Planner(config, registry, transport, new NamespaceManager(provider));
        List<PlannedService> services = planner.plan();
        if (!planner.problems.isEmpty()) {
            planner.closePlugins();
            throw new ConfigException(planner.problems);
        }
        return new GostRuntime(config, transport, planner.namespaces, services, planner.plugins);
    }

    /** Checks {@code config} the way {@link #create} does, without keeping anything. */
    public static List<String> check(GostConfig config, PluginRegistry registry, NetnsProvider provider,
                                     Transport transport) {
        Planner planner = new Planner(config, registry, transport, new NamespaceManager(provider));
        planner.plan();
        planner.closePlugins();
        return List.copyOf(planner.problems);
    }

    /** The configuration this runtime was made from. */
    public GostConfig config() {
        return config;
    }

    /** The services, in configuration order. */
    public List<Service> services() {
        return planned.stream().map(PlannedService::service).toList();
    }

    /** The service called {@code name}. */
    public Optional<Service> service(String name) {
        return services().stream().filter(service -> service.name().equals(name)).findFirst();
    }

    /**
     * Opens the namespaces every service needs and binds every listener. On the first failure everything
     * opened so far is closed again and the failure is thrown.
     *
     * @throws NetnsStartException      when a namespace cannot be used, naming the service
     * @throws io.gost.runtime.service.ServiceStartException when a listener cannot bind
     */
    public synchronized void start() {
        // Netty reads per-namespace facts (SOMAXCONN, IPv6 support) once, on first use; make that happen
        // here in the process's own namespace rather than on a namespace thread.
        if (io.netty.util.NetUtil.SOMAXCONN <= 0) {
            log.debug("SOMAXCONN is {}", io.netty.util.NetUtil.SOMAXCONN);
        }
        try {
            for (PlannedService plannedService : planned) {
                for (NetnsRef namespace : plannedService.namespaces()) {
                    try {
                        namespaces.acquire(namespace);
                        acquired.add(namespace);
                    } catch (NetnsException e) {
                        throw new NetnsStartException("service '" + plannedService.service().name() + "': "
                                + e.getMessage(), e);
                    }
                }
                plannedService.service().start(Duration.ofSeconds(30));
                started.add(plannedService.service());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Stops accepting on every service; open connections go on. */
    public synchronized void stopAccepting() {
        for (Service service : started) {
            service.close();
        }
    }

    /** Connections open now, over all services. */
    public long openConnections() {
        return planned.stream().mapToLong(p -> p.service().currentConnections()).sum();
    }

    /** Stops every service, closes plugins and namespaces. Open connections are not drained. */
    @Override
    public synchronized void close() {
        for (Service service : started) {
            try {
                service.close();
            } catch (RuntimeException e) {
                log.warn("closing service {}: {}", service.name(), e.toString());
            }
        }
        started.clear();
        for (NetnsRef namespace : acquired) {
            namespaces.release(namespace);
        }
        acquired.clear();
        for (AutoCloseable plugin : plugins) {
            try {
                plugin.close();
            } catch (Exception e) {
                log.warn("closing plugin {}: {}", plugin.getClass().getName(), e.toString());
            }
        }
    }

    /** A namespace that could not be opened at start-up. */
    public static final class NetnsStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NetnsStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Turns configuration into planned services, collecting every problem on the way. */
    private static final class Planner {
        private final GostConfig config;
        private final PluginRegistry registry;
        private final Transport transport;
        private final NamespaceManager namespaces;
        private final List<String> problems = new ArrayList<>();
        private final List<AutoCloseable> plugins = new ArrayList<>();
        private final Map<String, Chain> chains = new LinkedHashMap<>();
        private final Map<String, Bypass> bypasses = new LinkedHashMap<>();

        Planner(GostConfig config, PluginRegistry registry, Transport transport, NamespaceManager namespaces) {
            this.config = config;
            this.registry = registry;
            this.transport = transport;
            this.namespaces = namespaces;
        }

        void closePlugins() {
            for (AutoCloseable plugin : plugins) {
                try {
                    plugin.close();
                } catch (Exception ignored) {
                    // Planning allocated nothing worth reporting; closing is best effort.
                }
            }
        }

        List<PlannedService> plan() {
            Set<String> serviceNames = new LinkedHashSet<>();
            for (ChainConfig chainConfig : config.chains()) {
                if (chains.containsKey(chainConfig.name())) {
                    problem(chainConfig.origin(), "a chain named '" + chainConfig.name() + "' is defined twice");
                    continue;
                }
                Chain chain = chain(chainConfig);
                if (chain != null) {
                    chains.put(chainConfig.name(), chain);
                }
            }
            for (BypassConfig bypassConfig : config.bypasses()) {
                if (bypasses.containsKey(bypassConfig.name())) {
                    problem(bypassConfig.origin(), "a bypass named '" + bypassConfig.name() + "' is defined twice");
                    continue;
                }
                try {
                    bypasses.put(bypassConfig.name(), Bypass.of(bypassConfig.name(), bypassConfig.whitelist(),
                            bypassConfig.matchers()));
                } catch (IllegalArgumentException e) {
                    problem(bypassConfig.origin().child("matchers"), "bypass '" + bypassConfig.name() + "': "
                            + e.getMessage());
                }
            }
            List<PlannedService> services = new ArrayList<>();
            for (ServiceConfig serviceConfig : config.services()) {
                if (!serviceNames.add(serviceConfig.name())) {
                    problem(serviceConfig.origin(), "a service named '" + serviceConfig.name() + "' is defined twice");
                    continue;
                }
                PlannedService service = service(serviceConfig);
                if (service != null) {
                    services.add(service);
                }
            }
            return services;
        }

        private void problem(Origin origin, String message) {
            problems.add(origin + ": " + message);
        }

        private Chain chain(ChainConfig chainConfig) {
            List<Hop> hops = new ArrayList<>();
            for (HopConfig hopConfig : chainConfig.hops()) {
                Hop hop = hop(hopConfig, true);
                if (hop == null) {
                    return null;
                }
                hops.add(hop);
            }
            return new Chain(chainConfig.name(), hops);
        }

        /** A hop of a chain ({@code proxyNodes}) or a forwarder (targets dialed through the router). */
        private Hop hop(HopConfig hopConfig, boolean proxyNodes) {
            List<Node> nodes = new ArrayList<>();
            NetnsRef hopNamespace = namespace(hopConfig.metadata().string("netns").orElse(null),
                    hopConfig.origin().child("metadata.netns"));
            boolean ok = true;
            for (NodeConfig nodeConfig : hopConfig.nodes()) {
                Node node = node(nodeConfig, hopNamespace, proxyNodes);
                if (node == null) {
                    ok = false;
                } else {
                    nodes.add(node);
                }
            }
            if (!ok) {
                return null;
            }
            try {
                return new Hop(hopConfig.name(), nodes, Selector.of(hopConfig.selector()));
            } catch (IllegalArgumentException e) {
                problem(hopConfig.origin().child("selector"), e.getMessage());
                return null;
            }
        }

        private Node node(NodeConfig nodeConfig, NetnsRef hopNamespace, boolean proxyNode) {
            InetSocketAddress address;
            try {
                address = Addresses.target(nodeConfig.addr());
            } catch (IllegalArgumentException e) {
                problem(nodeConfig.origin().child("addr"), e.getMessage());
                return null;
            }
            // GOST's precedence: node metadata netns > the deprecated node field > hop metadata.
            String nodeNamespaceText = nodeConfig.metadata().string("netns").orElse(nodeConfig.netns());
            NetnsRef namespace = nodeNamespaceText != null
                    ? namespace(nodeNamespaceText, nodeConfig.origin().child("metadata.netns")) : hopNamespace;
            Dialer dialer = null;
            Connector connector = null;
            PluginConfig dialerConfig = nodeConfig.dialer() != null ? nodeConfig.dialer()
                    : proxyNode ? PluginConfig.of("tcp") : null;
            PluginConfig connectorConfig = nodeConfig.connector() != null ? nodeConfig.connector()
                    : proxyNode ? PluginConfig.of("http") : null;
            if (dialerConfig != null) {
                dialer = create(PluginKind.DIALER, dialerConfig, nodeConfig.name(),
                        originOf(dialerConfig, nodeConfig.origin().child("dialer")));
            }
            if (connectorConfig != null) {
                connector = create(PluginKind.CONNECTOR, connectorConfig, nodeConfig.name(),
                        originOf(connectorConfig, nodeConfig.origin().child("connector")));
            }
            if ((dialerConfig != null && dialer == null) || (connectorConfig != null && connector == null)) {
                return null;
            }
            return new Node(nodeConfig.name(), address, dialer, connector, namespace, nodeConfig.metadata());
        }

        /** Where a plugin block was written, or {@code fallback} for blocks made up as defaults. */
        private static Origin originOf(PluginConfig pluginConfig, Origin fallback) {
            return pluginConfig.origin() == Origin.UNKNOWN ? fallback : pluginConfig.origin();
        }

        private NetnsRef namespace(String text, Origin origin) {
            if (text == null) {
                return null;
            }
            try {
                return NetnsRef.parse(text);
            } catch (IllegalArgumentException e) {
                problem(origin, e.getMessage());
                return null;
            }
        }

        @SuppressWarnings("unchecked")
        private <T extends AutoCloseable> T create(PluginKind kind, PluginConfig pluginConfig, String owner,
                                                   Origin origin) {
            if (!registry.has(kind, pluginConfig.type())) {
                problem(origin.child("type"), registry.knownTypesMessage(kind, pluginConfig.type()));
                return null;
            }
            PluginContext context = pluginContext(owner, pluginConfig, origin);
            if (context == null) {
                return null;
            }
            try {
                AutoCloseable plugin = switch (kind) {
                    case LISTENER -> registry.listener(pluginConfig.type()).create(pluginConfig.metadata(), context);
                    case HANDLER -> registry.handler(pluginConfig.type()).create(pluginConfig.metadata(), context);
                    case DIALER -> registry.dialer(pluginConfig.type()).create(pluginConfig.metadata(), context);
                    case CONNECTOR -> registry.connector(pluginConfig.type()).create(pluginConfig.metadata(), context);
                };
                plugins.add(plugin);
                return (T) plugin;
            } catch (RuntimeException e) {
                problem(origin, kind.label() + " '" + pluginConfig.type() + "': " + e.getMessage());
                return null;
            }
        }

        private PluginContext pluginContext(String owner, PluginConfig pluginConfig, Origin origin) {
            List<Credentials> accepted = new ArrayList<>();
            if (pluginConfig.auth() != null) {
                accepted.add(pluginConfig.auth());
            }
            if (pluginConfig.auther() != null) {
                Optional<io.gost.runtime.config.AutherConfig> auther = config.auther(pluginConfig.auther());
                if (auther.isEmpty()) {
                    problem(origin.child("auther"), "no auther named '" + pluginConfig.auther() + "' in authers");
                    return null;
                }
                accepted.addAll(auther.get().auths());
            }
            Optional<Authenticator> authenticator = accepted.isEmpty() ? Optional.empty()
                    : Optional.of(new CredentialsAuthenticator(accepted));
            Optional<Credentials> credentials = Optional.ofNullable(pluginConfig.auth());
            return new PluginContext() {
                @Override
                public String ownerName() {
                    return owner;
                }

                @Override
                public Optional<Authenticator> authenticator() {
                    return authenticator;
                }

                @Override
                public Optional<Credentials> credentials() {
                    return credentials;
                }

                @Override
                public Optional<io.gost.api.HandlerFactory> handlerFactory(String type) {
                    return registry.has(PluginKind.HANDLER, type) ? Optional.of(registry.handler(type)) : Optional.empty();
                }
            };
        }

        /** A handler that reaches any target the client names, with no credentials asked for. */
        private static boolean isUnauthenticatedProxy(ServiceConfig serviceConfig) {
            PluginConfig handler = serviceConfig.handler();
            PluginConfig listener = serviceConfig.listener();
            boolean authenticated = handler.auth() != null || handler.auther() != null
                    || listener.auth() != null || listener.auther() != null;
            return PROXY_HANDLERS.contains(handler.type()) && !authenticated;
        }

        private PlannedService service(ServiceConfig serviceConfig) {
            Origin origin = serviceConfig.origin();
            Metadata metadata = serviceConfig.metadata();
            InetSocketAddress bindAddress = null;
            try {
                bindAddress = Addresses.listen(serviceConfig.addr());
            } catch (IllegalArgumentException e) {
                problem(origin.child("addr"), e.getMessage());
            }
            NetnsRef listenNamespace = namespace(metadata.string("netns").orElse(null), origin.child("metadata.netns"));
            NetnsRef outNamespace = namespace(metadata.string("netns.out").orElse(null), origin.child("metadata.netns.out"));
            Duration dialTimeout;
            try {
                dialTimeout = metadata.getDuration("dialTimeout", DEFAULT_DIAL_TIMEOUT);
            } catch (IllegalArgumentException e) {
                problem(origin.child("metadata.dialTimeout"), e.getMessage());
                dialTimeout = DEFAULT_DIAL_TIMEOUT;
            }
            Duration idleTimeout = null;
            // A service option in GOST's style, also accepted where handler options are given.
            boolean idleOnService = metadata.contains("idleTimeout");
            Metadata idleSource = idleOnService ? metadata : serviceConfig.handler().metadata();
            try {
                idleTimeout = idleSource.getDuration("idleTimeout", null);
            } catch (IllegalArgumentException e) {
                problem(idleOnService ? origin.child("metadata.idleTimeout")
                        : originOf(serviceConfig.handler(), origin.child("handler")).child("metadata.idleTimeout"),
                        e.getMessage());
            }
            int maxConnections = 0;
            try {
                maxConnections = metadata.getInt("maxConnections", 0);
                if (maxConnections < 0) {
                    problem(origin.child("metadata.maxConnections"), "maxConnections must be 0 (no limit) or more,"
                            + " got " + maxConnections);
                    maxConnections = 0;
                }
            } catch (IllegalArgumentException e) {
                problem(origin.child("metadata.maxConnections"), e.getMessage());
            }
            Listener listener = create(PluginKind.LISTENER, serviceConfig.listener(), serviceConfig.name(),
                    originOf(serviceConfig.listener(), origin.child("listener")));
            Handler handler = create(PluginKind.HANDLER, serviceConfig.handler(), serviceConfig.name(),
                    originOf(serviceConfig.handler(), origin.child("handler")));
            Chain chain = null;
            String chainName = serviceConfig.handler().chain() != null ? serviceConfig.handler().chain()
                    : serviceConfig.listener().chain();
            if (chainName != null) {
                chain = chains.get(chainName);
                if (chain == null && config.chain(chainName).isEmpty()) {
                    problem(originOf(serviceConfig.handler(), origin.child("handler")).child("chain"), "no chain named '" + chainName + "' in chains"
                            + (config.chains().isEmpty() ? "" : "; known: "
                            + String.join(", ", config.chains().stream().map(ChainConfig::name).toList())));
                }
            }
            Bypass bypass = null;
            if (serviceConfig.bypass() != null) {
                bypass = bypasses.get(serviceConfig.bypass());
                if (bypass == null && config.bypass(serviceConfig.bypass()).isEmpty()) {
                    problem(origin.child("bypass"), "no bypass named '" + serviceConfig.bypass() + "' in bypasses"
                            + (config.bypasses().isEmpty() ? "" : "; known: "
                            + String.join(", ", config.bypasses().stream().map(BypassConfig::name).toList())));
                }
            }
            Hop forwarder = null;
            if (serviceConfig.forwarder() != null) {
                forwarder = hop(serviceConfig.forwarder(), false);
                if (forwarder == null) {
                    return null;
                }
            }
            if (listener == null || handler == null || bindAddress == null
                    || (chainName != null && chain == null) || (serviceConfig.bypass() != null && bypass == null)) {
                return null;
            }
            Dialer directDialer = registry.has(PluginKind.DIALER, "tcp")
                    ? create(PluginKind.DIALER, PluginConfig.of("tcp"), serviceConfig.name(), origin) : null;
            if (directDialer == null) {
                problem(origin, "the built-in dialer 'tcp' is not installed (gost-plugin-tcp); direct dials need it");
                return null;
            }
            int retries = serviceConfig.handler().retries();
            ChainRouter router = new ChainRouter(chain, outNamespace, retries, dialTimeout, transport, namespaces,
                    directDialer, serviceConfig.name(), bypass);
            Service service = Service.builder()
                    .name(serviceConfig.name())
                    .address(serviceConfig.addr(), bindAddress)
                    .listener(listener)
                    .handler(serviceConfig.handler().type(), handler)
                    .forwarder(forwarder)
                    .router(router, retries)
                    .listenNamespace(listenNamespace)
                    .placement(namespaces)
                    .transport(transport)
                    .idleTimeout(idleTimeout)
                    .maxConnections(maxConnections)
                    .warnWhenReachableWithoutAuth(isUnauthenticatedProxy(serviceConfig))
                    .build();
            Set<NetnsRef> used = new LinkedHashSet<>();
            if (listenNamespace != null) {
                used.add(listenNamespace);
            }
            if (outNamespace != null) {
                used.add(outNamespace);
            }
            if (chain != null) {
                chain.hops().forEach(hop -> hop.nodes().forEach(node -> {
                    if (node.netns() != null) {
                        used.add(node.netns());
                    }
                }));
            }
            return new PlannedService(service, serviceConfig, used);
        }
    }
}
