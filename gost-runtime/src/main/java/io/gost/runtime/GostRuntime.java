package io.gost.runtime;

import io.gost.api.Connector;
import io.gost.api.Dialer;
import io.gost.api.Handler;
import io.gost.api.Listener;
import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.Transport;
import io.gost.api.HandlerFactory;
import io.gost.api.SocketPurpose;
import io.gost.runtime.admission.Admission;
import io.gost.runtime.bypass.LiveBypass;
import io.gost.runtime.chain.Chain;
import io.gost.runtime.chain.ChainGroup;
import io.gost.runtime.chain.FailMarker;
import io.gost.runtime.chain.Outbound;
import io.gost.runtime.control.ControlScheduler;
import io.gost.runtime.control.ControlServices;
import io.gost.runtime.dns.NameLookup;
import io.gost.runtime.plan.RouteControls;
import io.gost.runtime.plan.ServiceControls;
import io.gost.runtime.service.AccessControl;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.NetworkInterface;
import io.gost.runtime.chain.ChainRouter;
import io.gost.runtime.chain.Hop;
import io.gost.runtime.chain.Node;
import io.gost.runtime.chain.Selector;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.PluginConfig;
import io.gost.runtime.netns.NamespaceManager;
import io.gost.runtime.plan.ChainPlan;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.HopPlan;
import io.gost.runtime.plan.NodePlan;
import io.gost.runtime.plan.Planner;
import io.gost.runtime.plan.PluginPlan;
import io.gost.runtime.plan.ServicePlan;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GostPlan} brought to life: its lifecycle, nothing else. {@link #start} creates every plugin,
 * opens the namespaces and binds every listener, undoing everything when one of them fails;
 * {@link #stopAccepting} closes the listeners; {@link #close} releases it all. What to run, and every check
 * that needs no socket, is the {@link Planner}'s.
 */
public final class GostRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GostRuntime.class);

    private final GostPlan plan;
    private final Transport transport;
    private final NamespaceManager namespaces;
    private final List<AutoCloseable> plugins = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<Service> started = new ArrayList<>();
    private final List<NetnsRef> acquired = new ArrayList<>();
    private ControlScheduler controlScheduler;
    private ControlServices controls;

    private GostRuntime(GostPlan plan, NetnsProvider provider, Transport transport) {
        this.plan = plan;
        this.transport = transport;
        this.namespaces = new NamespaceManager(provider);
    }

    /** A runtime for {@code plan}; nothing is created until {@link #start}. */
    public static GostRuntime of(GostPlan plan, NetnsProvider provider, Transport transport) {
        return new GostRuntime(plan, provider, transport);
    }

    /**
     * Plans {@code config} and makes a runtime for it.
     *
     * @throws io.gost.runtime.config.ConfigException listing every problem planning found
     */
    public static GostRuntime create(GostConfig config, PluginRegistry registry, NetnsProvider provider,
                                     Transport transport) {
        return of(Planner.planOrThrow(config, registry), provider, transport);
    }

    /** The plan this runtime runs. */
    public GostPlan plan() {
        return plan;
    }

    /** The configuration the plan was made from. */
    public GostConfig config() {
        return plan.config();
    }

    /**
     * The running control objects (authers, bypasses, admissions, limiters, host mappers, resolvers), by name,
     * once started: replacing one here reaches every service, hop and node using it.
     */
    public synchronized ControlServices controls() {
        return controls;
    }

    /** The services, in configuration order, once started. */
    public synchronized List<Service> services() {
        return List.copyOf(services);
    }

    /** The service called {@code name}, once started. */
    public Optional<Service> service(String name) {
        return services().stream().filter(service -> service.name().equals(name)).findFirst();
    }

    /**
     * Creates every plugin, opens the namespaces every service needs and binds every listener. On the first
     * failure everything opened so far is closed again and the failure is thrown.
     *
     * @throws NetnsStartException naming the service when a namespace cannot be used
     * @throws io.gost.runtime.service.ServiceStartException when a listener cannot bind
     */
    public synchronized void start() {
        // Netty reads per-namespace facts (SOMAXCONN, IPv6 support) once, on first use; make that happen
        // here in the process's own namespace rather than on a namespace thread.
        if (io.netty.util.NetUtil.SOMAXCONN <= 0) {
            log.debug("SOMAXCONN is {}", io.netty.util.NetUtil.SOMAXCONN);
        }
        plan.warnings().forEach(warning -> log.warn("{}", warning));
        try {
            Dialer directDialer = create(new PluginPlan(PluginKind.DIALER, "tcp",
                    plan.registry().require(PluginKind.DIALER, "tcp").factory(), "", PluginConfig.of("tcp").metadata(),
                    List.of(), null, null), "direct");
            controlScheduler = new ControlScheduler();
            controls = new ControlServices(controlScheduler, transport, namespaces, Admission.NameLookup.SYSTEM);
            controls.start(plan.controls());
            checkSocketOptions();
            Map<String, Chain> chains = new HashMap<>();
            for (ChainPlan chainPlan : plan.chains()) {
                chains.put(chainPlan.name(), chain(chainPlan));
            }
            for (ServicePlan servicePlan : plan.services()) {
                Service service = service(servicePlan, chains, directDialer);
                services.add(service);
                for (NetnsRef namespace : servicePlan.namespaces()) {
                    try {
                        namespaces.acquire(namespace);
                        acquired.add(namespace);
                    } catch (NetnsException e) {
                        throw new NetnsStartException("service '" + servicePlan.name() + "': " + e.getMessage(), e);
                    }
                }
                service.start(Duration.ofSeconds(30));
                started.add(service);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Chain chain(ChainPlan chainPlan) {
        List<Hop> hops = new ArrayList<>();
        for (HopPlan hopPlan : chainPlan.hops()) {
            hops.add(hop(hopPlan));
        }
        return new Chain(chainPlan.name(), hops, chainPlan.backup());
    }

    private Hop hop(HopPlan hopPlan) {
        List<Node> nodes = new ArrayList<>();
        for (NodePlan nodePlan : hopPlan.nodes()) {
            Dialer dialer = nodePlan.dialer() == null ? null : create(nodePlan.dialer(), nodePlan.name());
            Connector connector = nodePlan.connector() == null ? null : create(nodePlan.connector(), nodePlan.name());
            RouteControls route = nodePlan.controls();
            nodes.add(new Node(nodePlan.name(), nodePlan.address(), dialer, connector, nodePlan.netns(),
                    new Node.Options(nodePlan.weight(), nodePlan.backup(), nodePlan.maxFails(),
                            nodePlan.failTimeout()), new FailMarker(),
                    new Node.Route(LiveBypass.of(route.bypasses(), controls.bypasses()),
                            NameLookup.of(route.hosts(), controls.hosts(), route.resolver(), controls.resolvers()),
                            route.outbound())));
        }
        return new Hop(hopPlan.name(), nodes, Selector.of(hopPlan.selector()),
                LiveBypass.of(hopPlan.controls().bypasses(), controls.bypasses()));
    }

    /**
     * Socket marks and interface binding need the native epoll transport (NIO has no such options); an
     * interface inside a namespace is looked up there, now, so that a missing one is an error at start.
     */
    private void checkSocketOptions() {
        List<String> problems = new ArrayList<>();
        for (ServicePlan service : plan.services()) {
            checkOutbound("service " + service.name(), service.controls().outbound(), service.netnsOut(), problems);
            for (ChainPlan chain : service.chains()) {
                for (HopPlan hop : chain.hops()) {
                    for (NodePlan node : hop.nodes()) {
                        checkOutbound("chain " + chain.name() + " hop " + hop.name() + " node " + node.name(),
                                node.controls().outbound(), node.netns(), problems);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    private void checkOutbound(String owner, Outbound outbound, NetnsRef namespace, List<String> problems) {
        boolean needsOptions = outbound.mark() != 0
                || outbound.interfaces().stream().anyMatch(entry -> entry.name() != null);
        if (needsOptions && !"epoll".equals(transport.name())) {
            problems.add(owner + ": " + outbound + " needs the native epoll transport (Linux), and this runtime"
                    + " uses " + transport.name());
        }
        if (namespace == null) {
            return; // checked when planning
        }
        for (Outbound.Interface entry : outbound.interfaces()) {
            Future<Boolean> exists = namespaces.place(namespace, new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET,
                    owner, entry.toString()), transport.ioGroup().next(), () -> {
                        try {
                            boolean found = entry.name() != null ? NetworkInterface.getByName(entry.name()) != null
                                    : NetworkInterface.getByInetAddress(InetAddress.getByAddress(entry.ip())) != null;
                            return transport.ioGroup().next().newSucceededFuture(found);
                        } catch (Exception e) {
                            return transport.ioGroup().next().<Boolean>newFailedFuture(e);
                        }
                    });
            exists.awaitUninterruptibly();
            if (!exists.isSuccess()) {
                problems.add(owner + ": cannot look interface " + entry + " up in network namespace " + namespace
                        + ": " + exists.cause().getMessage());
            } else if (!exists.getNow()) {
                problems.add(owner + ": interface " + entry + " does not exist in network namespace " + namespace);
            }
        }
    }

    private Service service(ServicePlan servicePlan, Map<String, Chain> chains, Dialer directDialer) {
        Listener listener = createAuthenticated(servicePlan.listener(), servicePlan.name());
        Handler handler = createAuthenticated(servicePlan.handler(), servicePlan.name());
        ChainGroup chainGroup = null;
        if (servicePlan.chainGroup() != null) {
            chainGroup = new ChainGroup(servicePlan.chainGroup().chains().stream()
                    .map(chainPlan -> chains.get(chainPlan.name())).toList(), servicePlan.chainGroup().selector());
        } else if (servicePlan.chain() != null) {
            chainGroup = ChainGroup.of(chains.get(servicePlan.chain().name()));
        }
        ServiceControls serviceControls = servicePlan.controls();
        ChainRouter router = new ChainRouter(chainGroup, servicePlan.netnsOut(), servicePlan.retries(),
                servicePlan.dialTimeout(), transport, namespaces, directDialer, servicePlan.name(),
                new ChainRouter.Controls(LiveBypass.of(serviceControls.bypasses(), controls.bypasses()),
                        NameLookup.of(serviceControls.hosts(), controls.hosts(), serviceControls.resolver(),
                                controls.resolvers()), serviceControls.outbound()));
        if (serviceControls.limiter() != null) {
            controls.keepClientState(serviceControls.limiter(), serviceControls.limiterCleanup());
        }
        AccessControl access = new AccessControl(
                serviceControls.admissions().stream().map(controls.admissions()::ref).toList(),
                serviceControls.climiter() == null ? null : controls.climiters().ref(serviceControls.climiter()),
                serviceControls.rlimiter() == null ? null : controls.rlimiters().ref(serviceControls.rlimiter()),
                serviceControls.limiter() == null ? null : controls.limiters().ref(serviceControls.limiter()),
                serviceControls.limiterScope(), serviceControls.limiterRefresh());
        boolean answersRefusals = servicePlan.handler().factory() instanceof HandlerFactory handlerFactory
                && handlerFactory.answersRefusals();
        Service.Builder builder = Service.builder();
        if (servicePlan.listener().factory() instanceof io.gost.api.ListenerFactory listenerFactory
                && listenerFactory.opensPortsThroughChain()) {
            // GOST's listener router: the listener chain, no retries (the port is tried again anyway). What
            // arrives on the port is accepted by the service like any client (admissions and limits included).
            Chain listenerChain = servicePlan.listenerChain() == null ? null
                    : chains.get(servicePlan.listenerChain().name());
            builder.reverseListener(listenerChain == null ? null : new ChainRouter(listenerChain, null, 0,
                    servicePlan.dialTimeout(), transport, namespaces, directDialer, servicePlan.name(), null));
        }
        return builder
                .name(servicePlan.name())
                .address(servicePlan.addr(), servicePlan.bindAddress())
                .listener(listener)
                .handler(servicePlan.handler().type(), handler)
                .forwarder(servicePlan.forwarder() == null ? null : hop(servicePlan.forwarder()))
                .router(router, servicePlan.retries())
                .hashByTarget(servicePlan.hashByTarget())
                .listenNamespace(servicePlan.netns())
                .placement(namespaces)
                .transport(transport)
                .idleTimeout(servicePlan.idleTimeout())
                .maxConnections(servicePlan.maxConnections())
                .warnWhenReachableWithoutAuth(servicePlan.openProxyWarning())
                .access(access, answersRefusals)
                .ownSocketsRefusal(ownSocketsRefusal(serviceControls))
                .build();
    }

    /**
     * The controls of a service that a handler's own sockets toward targets (a SOCKS5 UDP relay, a BIND port)
     * would go around, since the runtime applies them to what it dials: such requests are refused while any is
     * set, or {@code null} when none is.
     */
    static String ownSocketsRefusal(ServiceControls controls) {
        List<String> applied = new ArrayList<>();
        if (!controls.bypasses().isEmpty()) {
            applied.add("bypass " + String.join(", ", controls.bypasses()));
        }
        if (controls.limiter() != null) {
            applied.add("limiter " + controls.limiter());
        }
        if (controls.hosts() != null) {
            applied.add("hosts " + controls.hosts());
        }
        if (controls.resolver() != null) {
            applied.add("resolver " + controls.resolver());
        }
        if (!controls.outbound().isEmpty()) {
            applied.add(controls.outbound().toString());
        }
        return applied.isEmpty() ? null : "the service's " + String.join(", ", applied)
                + " apply only to the connections gost dials for a client, not yet to UDP relays, UDP tunnels"
                + " or bound ports (SOCKS5 UDP ASSOCIATE, UDP-TUN, BIND, MBIND)";
    }

    /** A handler or listener whose credentials are checked against the running authers. */
    @SuppressWarnings("unchecked")
    private <T extends AutoCloseable> T createAuthenticated(PluginPlan pluginPlan, String owner) {
        AutoCloseable plugin = pluginPlan.create(owner, plan.registry(), controls.authers());
        plugins.add(plugin);
        return (T) plugin;
    }

    @SuppressWarnings("unchecked")
    private <T extends AutoCloseable> T create(PluginPlan pluginPlan, String owner) {
        AutoCloseable plugin = pluginPlan.create(owner, plan.registry());
        plugins.add(plugin);
        return (T) plugin;
    }

    /** Stops accepting on every service; open connections go on. */
    public synchronized void stopAccepting() {
        for (Service service : started) {
            service.close();
        }
    }

    /** Connections open now, over all services. */
    public synchronized long openConnections() {
        return services.stream().mapToLong(Service::currentConnections).sum();
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
        plugins.clear();
        if (controls != null) {
            controls.close();
            controls = null;
        }
        if (controlScheduler != null) {
            controlScheduler.close();
            controlScheduler = null;
        }
    }

    /** A namespace that could not be opened at start-up. */
    public static final class NetnsStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NetnsStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
