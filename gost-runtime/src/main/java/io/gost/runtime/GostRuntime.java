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
import io.gost.runtime.dns.Nameserver;
import io.gost.runtime.plan.RouteControls;
import io.gost.runtime.plan.ServiceControls;
import io.gost.runtime.service.AccessControl;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.NetworkInterface;
import io.gost.runtime.chain.ChainRouter;
import io.gost.runtime.chain.Hop;
import io.gost.runtime.chain.Node;
import io.gost.runtime.chain.RouteObserver;
import io.gost.runtime.chain.Selector;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.PluginConfig;
import io.gost.runtime.netns.NamespaceManager;
import io.gost.runtime.plan.ChainPlan;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.HopPlan;
import io.gost.runtime.plan.NodePlan;
import io.gost.runtime.plan.PlanEquality;
import io.gost.runtime.plan.Planner;
import io.gost.runtime.plan.PluginPlan;
import io.gost.runtime.plan.ServicePlan;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.ConnectionObserver;
import io.gost.runtime.service.ListenerSlot;
import io.gost.runtime.service.ServiceStats;
import io.gost.runtime.plan.ControlPlan;
import io.gost.runtime.service.Service;
import io.gost.runtime.service.ServiceStartException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GostPlan} brought to life: its lifecycle, nothing else. What to run, and every check that
 * needs no socket, is the {@link Planner}'s.
 *
 * <p>{@link #start} runs a first plan; {@link #apply} moves the running services to another plan (a
 * reload, a change through the Web API) by its difference from the running one. Each plan gets its own
 * control objects (authers, bypasses, admissions, limiters, host mappers, resolvers), and every service of
 * the new plan is built anew with them, so no rule of the new plan is skipped for a service that "did not
 * change"; limiter client state and rate buckets start afresh. What differs is what happens to sockets:
 * <ul>
 * <li>a service whose plan is the same (origins aside, {@link PlanEquality}) is built anew, takes over the
 *     bound socket of its predecessor (the port never stops accepting) and carries its counters on;
 * <li>a new service is started;
 * <li>a changed service is built anew and started before its predecessor stops: when its listener is the
 *     same (type, options, address, namespace) the new service takes over the bound socket, so the port
 *     never stops accepting; otherwise its new socket binds beside the old one ({@code SO_REUSEPORT}) before
 *     the old one closes;
 * <li>a removed service stops accepting.
 * </ul>
 * Connections open on a predecessor keep the handler, chain and controls they started with and drain for
 * the grace period. Chains shared by services of one plan are built once per distinct chain plan. If
 * anything of the new plan fails to start, everything it started is undone and the running services go on
 * as before, with their controls.
 *
 * <p>Thread-safe: changes are serialised; slow work (binding, releasing plugins after a drain) never runs
 * on an event loop.
 *
 * <p>Why this class is long, and what comes out next: it holds the lifecycle (start, apply, drain, close)
 * and, since reload and the control services, also the assembly of one service from its plan ({@code build},
 * {@code chain}, {@code planControls}, the socket-option checks). The assembly is the next thing to move to a
 * class of its own; it stayed here while reload and access control were merged, so that both could be
 * reviewed against one copy of the code.
 */
public final class GostRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GostRuntime.class);

    /** How long a listener may take to bind. */
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
    /** How long a replaced or removed service's connections may go on by default. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(30);

    private final Transport transport;
    private final NamespaceManager namespaces;
    /** Drain deadlines and the release of drained services: off the event loops, which may hold sockets. */
    private final ScheduledExecutorService control;
    private GostPlan plan;
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private Dialer directDialer;
    /** Services by name, in the plan's order. */
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final List<Running> draining = new ArrayList<>();
    private final List<SharedChain> chains = new ArrayList<>();
    /**
     * The control objects (authers, bypasses, admissions, limiters, host mappers, resolvers) of the plan that
     * runs. Each plan gets its own: a reload builds every service anew with the new plan's controls, and those
     * of an earlier plan live on only while services built with them drain.
     */
    private PlanControls controls;
    /** The quotas, one counter per name for the runtime's whole life (created with the first plan's controls). */
    private io.gost.runtime.limit.quota.Quotas quotas;
    private volatile ConnectionObserver observer = ConnectionObserver.NONE;
    private volatile RouteObserver routeObserver = RouteObserver.NONE;
    private boolean started;
    private boolean closed;

    private GostRuntime(GostPlan plan, NetnsProvider provider, Transport transport) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.transport = transport;
        this.namespaces = new NamespaceManager(provider);
        this.control = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gost-runtime");
            thread.setDaemon(true);
            return thread;
        });
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

    /** The plan this runtime runs (the last one applied). */
    public synchronized GostPlan plan() {
        return plan;
    }

    /** The configuration the plan was made from. */
    public synchronized GostConfig config() {
        return plan.config();
    }

    /** How long replaced and removed services may finish their connections; 30 s unless set. */
    public synchronized void gracePeriod(Duration gracePeriod) {
        if (gracePeriod == null || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("the grace period must be 0 or more, got " + gracePeriod);
        }
        this.gracePeriod = gracePeriod;
    }

    /**
     * The running control objects (authers, bypasses, admissions, limiters, host mappers, resolvers), by name,
     * once started: replacing one here reaches every service, hop and node of the running plan using it.
     */
    public synchronized ControlServices controls() {
        return controls == null ? null : controls.services;
    }

    public synchronized Duration gracePeriod() {
        return gracePeriod;
    }

    /** The running services, in the plan's order (not those still draining after a reload). */
    public synchronized List<Service> services() {
        return running.values().stream().map(r -> r.service).toList();
    }

    /** The running service called {@code name}. */
    public Optional<Service> service(String name) {
        return services().stream().filter(service -> service.name().equals(name)).findFirst();
    }

    /** Services replaced or removed by a reload whose connections are still finishing. */
    public synchronized List<Service> drainingServices() {
        return draining.stream().map(r -> r.service).toList();
    }

    /**
     * Sets what hears of each new connection of every service, and of every route through a chain, now and
     * after reloads (the metrics); {@code null}s for nothing.
     */
    public synchronized void observe(ConnectionObserver observer, RouteObserver routes) {
        this.observer = observer == null ? ConnectionObserver.NONE : observer;
        this.routeObserver = routes == null ? RouteObserver.NONE : routes;
        running.values().forEach(r -> {
            r.service.observe(this.observer);
            r.router.observe(this.routeObserver);
            if (r.listenerRouter != null) {
                r.listenerRouter.observe(this.routeObserver);
            }
        });
    }

    /**
     * Creates every plugin, opens the namespaces every service needs and binds every listener. On the first
     * failure everything opened so far is closed again and the failure is thrown.
     *
     * @throws NetnsStartException naming the service when a namespace cannot be used
     * @throws io.gost.runtime.service.ServiceStartException when a listener cannot bind
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started; use apply(plan) to change what runs");
        }
        started = true;
        // Netty reads per-namespace facts (SOMAXCONN, IPv6 support) once, on first use; make that happen
        // here in the process's own namespace rather than on a namespace thread.
        if (io.netty.util.NetUtil.SOMAXCONN <= 0) {
            log.debug("SOMAXCONN is {}", io.netty.util.NetUtil.SOMAXCONN);
        }
        try {
            PluginPlan tcp = new PluginPlan(PluginKind.DIALER, "tcp",
                    plan.registry().require(PluginKind.DIALER, "tcp").factory(), "", PluginConfig.of("tcp").metadata(),
                    List.of(), null, null);
            directDialer = (Dialer) tcp.create("direct", plan.registry());
            GostPlan first = plan;
            plan = emptyLike(first);
            applyChanges(first);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static GostPlan emptyLike(GostPlan plan) {
        return new GostPlan(List.of(), List.of(), ControlPlan.NONE, plan.log(), plan.netnsProvider(), List.of(),
                plan.registry(), plan.config());
    }

    /**
     * Moves the running services to {@code next}, changing only what differs (see the class comment).
     * When anything fails to start, what was started for {@code next} is undone, the running services keep
     * serving, and the failure is thrown.
     *
     * @return what changed
     * @throws ConfigException when {@code next} changes what cannot change while running (the namespace provider)
     * @throws io.gost.runtime.service.ServiceStartException when a listener cannot bind
     * @throws NetnsStartException when a namespace cannot be used
     */
    public synchronized Changes apply(GostPlan next) {
        if (closed) {
            throw new IllegalStateException("the runtime is closed");
        }
        if (!started) {
            throw new IllegalStateException("start the runtime before applying another plan");
        }
        if (!Objects.equals(plan.netnsProvider(), next.netnsProvider())) {
            throw new ConfigException(List.of("netns.provider: the namespace provider cannot change while gost runs"
                    + " (it is '" + Objects.requireNonNullElse(plan.netnsProvider(), "the default") + "', the new"
                    + " configuration asks for '" + Objects.requireNonNullElse(next.netnsProvider(), "the default")
                    + "'); restart gost to change it"));
        }
        return applyChanges(next);
    }

    private Changes applyChanges(GostPlan next) {
        next.warnings().forEach(warning -> log.warn("{}", warning));
        checkSocketOptions(next);
        // The new plan's control objects, for every service of it: no service keeps an earlier plan's rules.
        PlanControls nextControls = planControls(next);
        Set<String> nextNames = new HashSet<>();
        Set<String> kept = new HashSet<>();
        for (ServicePlan servicePlan : next.services()) {
            nextNames.add(servicePlan.name());
            Running current = running.get(servicePlan.name());
            if (current != null && PlanEquality.same(current.plan, servicePlan)) {
                kept.add(servicePlan.name());
            }
        }
        // Every running service goes (replaced or removed) and may hand its bound listener to a new one; an
        // unchanged service hands its listener and its counters to its successor.
        List<Running> leaving = new ArrayList<>(running.values());
        List<Running> startedNow = new ArrayList<>();
        Set<Running> claimed = new HashSet<>();
        for (String name : kept) {
            claimed.add(running.get(name));
        }
        List<Running> stoppedEarly = new ArrayList<>();
        try {
            for (ServicePlan servicePlan : next.services()) {
                Running predecessor = kept.contains(servicePlan.name()) ? running.get(servicePlan.name()) : null;
                Running fresh = build(servicePlan, nextControls,
                        predecessor == null ? null : predecessor.service.stats());
                startedNow.add(fresh);
                Running donor = predecessor != null && predecessor.service.slot() != null
                        && predecessor.service.slot().isOpen() ? predecessor : leaving.stream()
                        .filter(r -> !claimed.contains(r) && sameListener(r.plan, servicePlan) && r.service.slot() != null
                                && r.service.slot().isOpen())
                        .findFirst().orElse(null);
                if (donor != null) {
                    claimed.add(donor);
                    fresh.inherit = donor;
                    continue;
                }
                List<Running> sharing = holdersOfPort(servicePlan);
                try {
                    fresh.service.start(BIND_TIMEOUT, sharing.isEmpty());
                } catch (ServiceStartException e) {
                    if (sharing.isEmpty() || !(rootCause(e) instanceof BindException) || !leaving.containsAll(sharing)) {
                        throw e;
                    }
                    // A listener whose sockets cannot share the port (one that does not make its server
                    // sockets with the runtime's transport, or a datagram socket): the old one has to go first.
                    log.warn("service {}: the new listener cannot bind {} beside the old one ({}); closing the old"
                            + " listener first, so the port refuses connections for a moment", servicePlan.name(),
                            servicePlan.addr(), rootCause(e).getMessage());
                    sharing.forEach(r -> r.service.stopAccepting());
                    stoppedEarly.addAll(sharing);
                    fresh.service.start(BIND_TIMEOUT, false);
                }
            }
        } catch (RuntimeException e) {
            for (Running fresh : startedNow) {
                fresh.service.stopAccepting();
                release(fresh);
            }
            nextControls.release();
            for (Running old : stoppedEarly) {
                restart(old);
            }
            throw e;
        }
        // Commit: from here on nothing fails.
        for (Running fresh : startedNow) {
            if (fresh.inherit != null) {
                ListenerSlot slot = fresh.inherit.service.slot();
                fresh.service.takeOver(slot);
                fresh.inherit.plugins.remove(slot.listener());
                fresh.plugins.add(slot.listener());
                fresh.inherit = null;
            }
            fresh.service.observe(observer);
            fresh.router.observe(routeObserver);
            if (fresh.listenerRouter != null) {
                fresh.listenerRouter.observe(routeObserver);
            }
        }
        int replaced = 0;
        int removed = 0;
        for (Running old : leaving) {
            if (kept.contains(old.plan.name())) {
                // unchanged: its successor serves on its socket with its counters
            } else if (nextNames.contains(old.plan.name())) {
                replaced++;
            } else {
                removed++;
            }
            retire(old);
        }
        running.clear();
        startedNow.forEach(fresh -> running.put(fresh.plan.name(), fresh));
        PlanControls previous = controls;
        controls = nextControls;
        if (previous != null) {
            previous.release(); // closed once the services built with it have drained
        }
        plan = next;
        Changes changes = new Changes(kept.size(), startedNow.size() - kept.size() - replaced, replaced, removed);
        log.debug("applied plan: {}", changes);
        return changes;
    }

    /** A service stopped early in a failed apply accepts again (its slot was closed: bind anew). */
    private void restart(Running old) {
        try {
            old.service.start(BIND_TIMEOUT, holdersOfPort(old.plan).isEmpty());
        } catch (RuntimeException e) {
            log.error("service {} could not listen again after a failed reload: {}", old.plan.name(), e.getMessage());
        }
    }

    /**
     * Same listener: a new service may take over the bound socket. For a reverse listener that includes the
     * chain its port is opened through: the port kept open on the last hop stays with the slot.
     */
    private static boolean sameListener(ServicePlan a, ServicePlan b) {
        return a.bindAddress().equals(b.bindAddress()) && Objects.equals(a.netns(), b.netns())
                && PlanEquality.same(a.listener(), b.listener())
                && PlanEquality.same(a.listenerChain(), b.listenerChain());
    }

    /** Running services whose open listener holds the port {@code servicePlan} binds (in the same namespace). */
    private List<Running> holdersOfPort(ServicePlan servicePlan) {
        int port = servicePlan.bindAddress().getPort();
        if (port == 0) {
            return List.of();
        }
        List<Running> holders = new ArrayList<>();
        for (Running current : running.values()) {
            ListenerSlot slot = current.service.slot();
            if (slot != null && slot.isOpen() && Objects.equals(slot.namespace(), servicePlan.netns())
                    && slot.boundAddress() instanceof InetSocketAddress bound && bound.getPort() == port) {
                holders.add(current);
            }
        }
        return holders;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Stops a service accepting and lets it drain; its plugins, chain and namespaces are released after. */
    private void retire(Running old) {
        draining.add(old);
        old.service.drain(gracePeriod, control).whenCompleteAsync((done, failure) -> {
            synchronized (GostRuntime.this) {
                if (draining.remove(old)) {
                    release(old);
                }
            }
        }, control);
    }

    /** The control objects of {@code next}, started (sources read, reloads scheduled). */
    private PlanControls planControls(GostPlan next) {
        ControlScheduler scheduler = new ControlScheduler();
        synchronized (this) {
            if (quotas == null) {
                quotas = new io.gost.runtime.limit.quota.Quotas();
            }
        }
        ControlServices services = new ControlServices(scheduler, transport, namespaces, Admission.NameLookup.SYSTEM,
                quotas);
        PlanControls planControls = new PlanControls(scheduler, services);
        services.routeNameserversWith((resolver, nameserver, chainPlan) ->
                nameserverRoute(resolver, nameserver, chainPlan, next.registry(), planControls));
        try {
            services.start(next.controls());
        } catch (RuntimeException e) {
            planControls.release();
            throw e;
        }
        return planControls;
    }

    /**
     * The route a resolver's nameserver is asked through (GOST's {@code nameservers[].chain}): the chain built
     * with the plan's controls, its plugins the plan controls' (closed with them), no retries (the resolver
     * asks its next nameserver instead), each step limited by the nameserver's timeout.
     */
    private ChainRouter nameserverRoute(String resolver, Nameserver nameserver, ChainPlan chainPlan,
                                        PluginRegistry registry, PlanControls planControls) {
        List<Hop> hops = new ArrayList<>();
        for (HopPlan hopPlan : chainPlan.hops()) {
            hops.add(hop(hopPlan, planControls.chainPlugins, registry, planControls.services));
        }
        return new ChainRouter(ChainGroup.of(new Chain(chainPlan.name(), hops, chainPlan.backup())), null, 0,
                nameserver.timeout(), transport, namespaces, directDialer, "resolver " + resolver,
                ChainRouter.Controls.NONE);
    }

    /**
     * Creates a service's plugins with the controls of its plan, takes its chains and namespaces; binds
     * nothing. {@code stats} are the counters to go on with (an unchanged service's), or {@code null}.
     */
    private Running build(ServicePlan servicePlan, PlanControls planControls, ServiceStats stats) {
        Running built = new Running(servicePlan, planControls);
        ControlServices controls = planControls.services;
        try {
            Listener listener = built.createAuthenticated(servicePlan.listener(), servicePlan.name(), plan.registry(),
                    controls);
            Handler handler = built.createAuthenticated(servicePlan.handler(), servicePlan.name(), plan.registry(),
                    controls);
            ChainGroup chainGroup = null;
            if (servicePlan.chainGroup() != null) {
                List<Chain> members = new ArrayList<>();
                for (ChainPlan chainPlan : servicePlan.chainGroup().chains()) {
                    SharedChain shared = chain(chainPlan, planControls);
                    built.chains.add(shared);
                    members.add(shared.chain);
                }
                chainGroup = new ChainGroup(members, servicePlan.chainGroup().selector());
            } else if (servicePlan.chain() != null) {
                SharedChain shared = chain(servicePlan.chain(), planControls);
                built.chains.add(shared);
                chainGroup = ChainGroup.of(shared.chain);
            }
            if (servicePlan.listenerChain() != null) {
                built.listenerChain = chain(servicePlan.listenerChain(), planControls);
            }
            for (NetnsRef namespace : servicePlan.namespaces()) {
                try {
                    namespaces.acquire(namespace);
                    built.namespaces.add(namespace);
                } catch (NetnsException e) {
                    throw new NetnsStartException("service '" + servicePlan.name() + "': " + e.getMessage(), e);
                }
            }
            ServiceControls serviceControls = servicePlan.controls();
            ChainRouter router = new ChainRouter(chainGroup, servicePlan.netnsOut(), servicePlan.retries(),
                    servicePlan.dialTimeout(), transport, namespaces, directDialer, servicePlan.name(),
                    new ChainRouter.Controls(LiveBypass.of(serviceControls.bypasses(), controls.bypasses()),
                            NameLookup.of(serviceControls.hosts(), controls.hosts(), serviceControls.resolver(),
                                    controls.resolvers()), serviceControls.outbound()));
            built.router = router;
            if (serviceControls.limiter() != null) {
                controls.keepClientState(serviceControls.limiter(), serviceControls.limiterCleanup());
            }
            if (serviceControls.clientLimiter() != null) {
                controls.keepClientState(serviceControls.clientLimiter().name(),
                        serviceControls.clientLimiter().cleanupInterval());
            }
            AccessControl access = new AccessControl(
                    serviceControls.admissions().stream().map(controls.admissions()::ref).toList(),
                    serviceControls.climiter() == null ? null : controls.climiters().ref(serviceControls.climiter()),
                    serviceControls.rlimiter() == null ? null : controls.rlimiters().ref(serviceControls.rlimiter()),
                    serviceControls.limiter() == null ? null : controls.limiters().ref(serviceControls.limiter()),
                    serviceControls.limiterScope(), serviceControls.limiterRefresh(),
                    serviceControls.clientLimiter() == null ? null
                            : controls.limiters().ref(serviceControls.clientLimiter().name()),
                    serviceControls.clientLimiter() == null ? serviceControls.limiterRefresh()
                            : serviceControls.clientLimiter().refreshInterval());
            boolean answersRefusals = servicePlan.handler().factory() instanceof HandlerFactory handlerFactory
                    && handlerFactory.answersRefusals();
            Service.Builder builder = Service.builder();
            if (servicePlan.listener().factory() instanceof io.gost.api.ListenerFactory listenerFactory
                    && listenerFactory.opensPortsThroughChain()) {
                // GOST's listener router: the listener chain, no retries (the port is tried again anyway). What
                // arrives on the port is accepted by the service like any client (admissions and limits included).
                if (built.listenerChain != null) {
                    built.listenerRouter = new ChainRouter(built.listenerChain.chain, null, 0,
                            servicePlan.dialTimeout(), transport, namespaces, directDialer, servicePlan.name(), null);
                }
                builder.reverseListener(built.listenerRouter);
            }
            built.service = builder
                    .name(servicePlan.name())
                    .address(servicePlan.addr(), servicePlan.bindAddress())
                    .listener(listener)
                    .handler(servicePlan.handler().type(), handler)
                    .forwarder(servicePlan.forwarder() == null ? null
                            : hop(servicePlan.forwarder(), built.plugins, plan.registry(), controls))
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
                    .quotas(serviceControls.quotas().stream().map(controls.quotas()::get)
                            .flatMap(Optional::stream).toList(), controls.quotas())
                    .stats(stats)
                    .build();
            return built;
        } catch (RuntimeException e) {
            release(built);
            throw e;
        }
    }

    /**
     * The running chain for {@code chainPlan}: shared with every service of the same plan whose chain is the
     * same (its hops and nodes use that plan's controls).
     */
    private SharedChain chain(ChainPlan chainPlan, PlanControls planControls) {
        for (SharedChain shared : chains) {
            if (shared.controls == planControls && PlanEquality.same(shared.plan, chainPlan)) {
                shared.users++;
                return shared;
            }
        }
        SharedChain shared = new SharedChain(chainPlan, planControls);
        try {
            List<Hop> hops = new ArrayList<>();
            for (HopPlan hopPlan : chainPlan.hops()) {
                hops.add(hop(hopPlan, shared.plugins, plan.registry(), planControls.services));
            }
            shared.chain = new Chain(chainPlan.name(), hops, chainPlan.backup());
        } catch (RuntimeException e) {
            closeAll(shared.plugins);
            throw e;
        }
        shared.users = 1;
        chains.add(shared);
        return shared;
    }

    private static Hop hop(HopPlan hopPlan, List<AutoCloseable> owner, PluginRegistry registry,
                           ControlServices controls) {
        List<Node> nodes = new ArrayList<>();
        for (NodePlan nodePlan : hopPlan.nodes()) {
            Dialer dialer = nodePlan.dialer() == null ? null : create(nodePlan.dialer(), nodePlan.name(), owner, registry);
            Connector connector = nodePlan.connector() == null ? null
                    : create(nodePlan.connector(), nodePlan.name(), owner, registry);
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
    private void checkSocketOptions(GostPlan plan) {
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
        if (needsOptions && "nio".equals(transport.name())) {
            problems.add(owner + ": " + outbound + " needs a native transport (io_uring or epoll, Linux), and this"
                    + " runtime uses " + transport.name());
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

    @SuppressWarnings("unchecked")
    private static <T extends AutoCloseable> T create(PluginPlan pluginPlan, String owner, List<AutoCloseable> plugins,
                                                      PluginRegistry registry) {
        AutoCloseable plugin = pluginPlan.create(owner, registry);
        plugins.add(plugin);
        return (T) plugin;
    }

    /** Closes a service's plugins and gives back its chain and namespaces. */
    private void release(Running old) {
        closeAll(old.plugins);
        for (SharedChain chain : old.chains) {
            if (--chain.users == 0) {
                chains.remove(chain);
                closeAll(chain.plugins);
            }
        }
        old.chains.clear();
        if (old.listenerChain != null && --old.listenerChain.users == 0) {
            chains.remove(old.listenerChain);
            closeAll(old.listenerChain.plugins);
        }
        old.listenerChain = null;
        for (NetnsRef namespace : old.namespaces) {
            namespaces.release(namespace);
        }
        old.namespaces.clear();
        if (old.controls != null) {
            old.controls.release();
            old.controls = null;
        }
    }

    private static void closeAll(List<AutoCloseable> plugins) {
        for (AutoCloseable plugin : plugins) {
            try {
                plugin.close();
            } catch (Exception e) {
                log.warn("closing plugin {}: {}", plugin.getClass().getName(), e.toString());
            }
        }
        plugins.clear();
    }

    /** Stops accepting on every service; open connections go on. */
    public synchronized void stopAccepting() {
        for (Running current : running.values()) {
            current.service.stopAccepting();
        }
    }

    /**
     * Stops accepting on every service and lets the open connections finish: completes when none is left
     * (replaced services still draining included), or when {@code gracePeriod} is over, after closing what is
     * left.
     */
    public synchronized CompletableFuture<Void> drain(Duration gracePeriod) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Running current : running.values()) {
            all.add(current.service.drain(gracePeriod, control));
        }
        for (Running old : draining) {
            // Already draining with the reload's grace period; shutting down does not wait longer than asked.
            all.add(old.service.drain(gracePeriod, control));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Connections open now, over all services (those draining after a reload too). */
    public synchronized long openConnections() {
        long open = 0;
        for (Running current : running.values()) {
            open += current.service.currentConnections();
        }
        for (Running old : draining) {
            open += old.service.currentConnections();
        }
        return open;
    }

    /** Stops every service, closes plugins and namespaces. Open connections are not drained. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Running> all = new ArrayList<>(running.values());
        all.addAll(draining);
        running.clear();
        draining.clear();
        for (Running current : all) {
            try {
                current.service.stopAccepting();
            } catch (RuntimeException e) {
                log.warn("closing service {}: {}", current.plan.name(), e.toString());
            }
        }
        for (Running current : all) {
            release(current);
        }
        for (SharedChain shared : chains) {
            closeAll(shared.plugins);
        }
        chains.clear();
        if (controls != null) {
            controls.release();
            controls = null;
        }
        if (quotas != null) {
            quotas.close(); // after the plans let go: every counter written a last time
        }
        if (directDialer != null) {
            try {
                directDialer.close();
            } catch (Exception e) {
                log.warn("closing the direct dialer: {}", e.toString());
            }
        }
        control.shutdownNow();
    }

    /**
     * What an {@link #apply} changed.
     *
     * @param kept     services whose configuration did not change (built anew with the new controls, on their socket)
     * @param added    services started that did not run before
     * @param replaced services restarted with a changed plan
     * @param removed  services stopped
     */
    public record Changes(int kept, int added, int replaced, int removed) {

        @Override
        public String toString() {
            return kept + " kept, " + added + " added, " + replaced + " replaced, " + removed + " removed";
        }
    }

    /** A service of the runtime with what it owns. */
    private static final class Running {
        ServicePlan plan;
        Service service;
        final List<AutoCloseable> plugins = new ArrayList<>();
        final List<NetnsRef> namespaces = new ArrayList<>();
        /** The chains it routes through (one, or a chain group's). */
        final List<SharedChain> chains = new ArrayList<>();
        /** The controls of the plan it was built with. */
        PlanControls controls;
        ChainRouter router;
        /** For a reverse listener: the chain whose last hop opens its port, and the router through it. */
        SharedChain listenerChain;
        ChainRouter listenerRouter;
        /** During an apply: the leaving service whose listener this one takes over. */
        Running inherit;

        Running(ServicePlan plan, PlanControls controls) {
            this.plan = plan;
            this.controls = controls;
            controls.users++;
        }

        /** A handler or listener whose credentials are checked against the plan's authers. */
        @SuppressWarnings("unchecked")
        <T extends AutoCloseable> T createAuthenticated(PluginPlan pluginPlan, String owner, PluginRegistry registry,
                                                        ControlServices controls) {
            AutoCloseable plugin = pluginPlan.create(owner, registry, controls.authers());
            plugins.add(plugin);
            return (T) plugin;
        }
    }

    /**
     * The control objects of one plan: held by the runtime while the plan runs and by every service built
     * with them; closed (reloads of their sources stopped, resolvers closed) when the last lets go.
     */
    private static final class PlanControls {
        final ControlScheduler scheduler;
        final ControlServices services;
        /** The plugins of the chains resolvers ask their nameservers through. */
        final List<AutoCloseable> chainPlugins = new ArrayList<>();
        /** The runtime's hold (while the plan runs) and one per service built with them. */
        int users = 1;

        PlanControls(ControlScheduler scheduler, ControlServices services) {
            this.scheduler = scheduler;
            this.services = services;
        }

        void release() {
            if (--users == 0) {
                services.close();
                scheduler.close();
                closeAll(chainPlugins);
            }
        }
    }

    /** A chain built once and shared by the services whose chain plans are the same. */
    private static final class SharedChain {
        final ChainPlan plan;
        final PlanControls controls;
        final List<AutoCloseable> plugins = new ArrayList<>();
        Chain chain;
        int users;

        SharedChain(ChainPlan plan, PlanControls controls) {
            this.plan = plan;
            this.controls = controls;
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
