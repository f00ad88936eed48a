package io.gost.runtime;

import io.gost.api.Connector;
import io.gost.api.Dialer;
import io.gost.api.Handler;
import io.gost.api.Listener;
import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.Transport;
import io.gost.runtime.chain.Chain;
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
        return new Chain(chainPlan.name(), hops);
    }

    private Hop hop(HopPlan hopPlan) {
        List<Node> nodes = new ArrayList<>();
        for (NodePlan nodePlan : hopPlan.nodes()) {
            Dialer dialer = nodePlan.dialer() == null ? null : create(nodePlan.dialer(), nodePlan.name());
            Connector connector = nodePlan.connector() == null ? null : create(nodePlan.connector(), nodePlan.name());
            nodes.add(new Node(nodePlan.name(), nodePlan.address(), dialer, connector, nodePlan.netns(),
                    new Node.Options(nodePlan.weight(), nodePlan.backup(), nodePlan.maxFails(),
                            nodePlan.failTimeout())));
        }
        return new Hop(hopPlan.name(), nodes, Selector.of(hopPlan.selector()));
    }

    private Service service(ServicePlan servicePlan, Map<String, Chain> chains, Dialer directDialer) {
        Listener listener = create(servicePlan.listener(), servicePlan.name());
        Handler handler = create(servicePlan.handler(), servicePlan.name());
        Chain chain = servicePlan.chain() == null ? null : chains.get(servicePlan.chain().name());
        ChainRouter router = new ChainRouter(chain, servicePlan.netnsOut(), servicePlan.retries(),
                servicePlan.dialTimeout(), transport, namespaces, directDialer, servicePlan.name(),
                servicePlan.bypass() == null ? null : servicePlan.bypass().bypass());
        Service.Builder builder = Service.builder();
        if (servicePlan.listener().factory() instanceof io.gost.api.ListenerFactory listenerFactory
                && listenerFactory.opensPortsThroughChain()) {
            // GOST's listener router: the listener chain, no retries (the port is tried again anyway).
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
                .build();
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
    }

    /** A namespace that could not be opened at start-up. */
    public static final class NetnsStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NetnsStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
