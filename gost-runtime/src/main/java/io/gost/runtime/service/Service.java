package io.gost.runtime.service;

import io.gost.api.Handler;
import io.gost.api.HostPort;
import io.gost.api.Listener;
import io.gost.api.NetnsRef;
import io.gost.api.Refusal;
import io.gost.api.RemotePort;
import io.gost.api.SocketPurpose;
import io.gost.api.Transport;
import io.gost.api.datagram.DatagramSessionChannel;
import io.gost.runtime.chain.ChainRouter;
import io.gost.runtime.chain.Hop;
import io.gost.runtime.chain.SocketPlacement;
import io.gost.runtime.limit.ClientPacing;
import io.gost.runtime.limit.ConnectionLimiter;
import io.gost.runtime.limit.ThrottleHandler;
import io.gost.runtime.relay.Relay;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener, a handler and how the handler reaches targets (a chain router, optionally a forwarder hop),
 * started and stopped as one.
 *
 * <p>The listener sits in a {@link ListenerSlot}: {@link #start} binds a new one, {@link #takeOver} adopts
 * the bound slot of the service this one replaces on a reload. {@link #stopAccepting} closes the slot
 * (unless a successor took it), and {@link #drain} waits for the open connections to finish, closing what is
 * left when the grace period ends.
 *
 * <p>Why this class is long: a service accepts (admission, connection limits, the client's first bytes),
 * owns its connections' bookkeeping (counters, observers, drain) and takes over or hands on its listener
 * on reloads; those share the connection set and the slot. Its builder is a third of the length.
 */
public final class Service implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Service.class);

    private static final long REFUSAL_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final String address;
    private final InetSocketAddress bindAddress;
    private final Listener listener;
    private final Handler handler;
    private final String handlerType;
    private final Hop forwarderHop;
    private final ChainRouter router;
    private final ChainRouter listenerRouter;
    private final boolean reverseListener;
    private final int retries;
    private final boolean hashByTarget;
    private final NetnsRef listenNamespace;
    private final SocketPlacement placement;
    private final Transport transport;
    private final ConnectionLog connectionLog;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final boolean warnWhenReachableWithoutAuth;
    /** Why handlers may not open sockets of their own toward targets, or {@code null}. */
    private final String ownSocketsRefusal;
    private final AccessControl access;
    private final boolean handlerAnswersRefusals;
    private final AtomicLong refusedConnections = new AtomicLong();
    /** Refusals not yet reported in a log line, and when the next line may be written. */
    private final AtomicLong unreportedRefusals = new AtomicLong();
    private final AtomicLong nextRefusalReportNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong sessions = new AtomicLong();
    /**
     * GOST's stats: this service's own, or those of the unchanged service it replaced in a reload (a reload
     * builds every service anew with the new plan's controls, and an unchanged one carries its counters on).
     */
    private final ServiceStats stats;
    /** This service's own open connections (a drain waits for them); the stats count those of predecessors too. */
    private final AtomicLong currentConnections = new AtomicLong();
    private final AtomicLong totalConnections;
    /** Client channels open now, to close what is left when a drain's grace period ends. */
    private final Set<Channel> openChannels = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;
    private volatile ConnectionObserver observer = ConnectionObserver.NONE;
    private volatile ListenerSlot slot;
    private final AtomicLong remoteBindAttempts = new AtomicLong();
    private final AtomicLong remoteBindFailures = new AtomicLong();
    private volatile SocketAddress boundAddress;
    private volatile SocketAddress remoteBoundAddress;
    /** Counts clients' bytes against the service's quotas, or {@code null} for none. */
    private final io.gost.runtime.limit.quota.QuotaHandler quotas;
    private final io.gost.runtime.limit.quota.Quotas quotaBook;
    private volatile AutoCloseable quotaSubscription;
    /** Clients accepted while a quota blocked, waiting (unread) for it to stop blocking. */
    private final java.util.Queue<Channel> parked = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Service(Builder builder) {
        this.name = builder.name;
        this.address = builder.address;
        this.bindAddress = builder.bindAddress;
        this.listener = builder.listener;
        this.handler = builder.handler;
        this.handlerType = builder.handlerType;
        this.forwarderHop = builder.forwarderHop;
        this.router = builder.router;
        this.listenerRouter = builder.listenerRouter;
        this.reverseListener = builder.reverseListener;
        this.retries = builder.retries;
        this.hashByTarget = builder.hashByTarget;
        this.listenNamespace = builder.listenNamespace;
        this.placement = builder.placement;
        this.transport = builder.transport;
        this.connectionLog = builder.connectionLog;
        this.idleTimeout = builder.idleTimeout;
        this.maxConnections = builder.maxConnections;
        this.warnWhenReachableWithoutAuth = builder.warnWhenReachableWithoutAuth;
        this.ownSocketsRefusal = builder.ownSocketsRefusal;
        this.access = builder.access;
        this.handlerAnswersRefusals = builder.handlerAnswersRefusals;
        this.stats = builder.stats != null ? builder.stats : new ServiceStats();
        this.totalConnections = stats.totalConnections;
        this.quotas = io.gost.runtime.limit.quota.QuotaHandler.of(builder.quotas);
        this.quotaBook = builder.quotaBook;
    }

    /** Starts building a service. */
    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    /** The listen address as configured. */
    public String address() {
        return address;
    }

    /** The address actually bound (useful with port 0), or {@code null} before {@link #start}. */
    public SocketAddress boundAddress() {
        return boundAddress;
    }

    /** Connections open now. */
    public long currentConnections() {
        return currentConnections.get();
    }

    /** Connections accepted since start. */
    public long totalConnections() {
        return totalConnections.get();
    }

    /** GOST's stats of this service. */
    public ServiceStats stats() {
        return stats;
    }

    /** The listener slot, once started or taken over. */
    public ListenerSlot slot() {
        return slot;
    }

    /** The listener the service was built with (a service that took over a slot accepts on that one's). */
    public Listener listener() {
        return listener;
    }

    /** True once {@link #drain} was asked for: the service accepts no more and is going away. */
    public boolean isDraining() {
        return draining;
    }

    /** Sets what hears of each new connection (the metrics); connections already open keep theirs. */
    public void observe(ConnectionObserver observer) {
        this.observer = observer == null ? ConnectionObserver.NONE : observer;
    }

    ConnectionObserver observer() {
        return observer;
    }

    /** Connections closed at accept because {@code maxConnections} were open. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /** Connections refused by the service's admissions, connection limit and request-rate limit since start. */
    public long accessRefusals() {
        return access.refusals();
    }

    String ownSocketsRefusal() {
        return ownSocketsRefusal;
    }

    AccessControl access() {
        return access;
    }

    /**
     * Attempts to open the port of a reverse listener ({@code rtcp}, {@code rudp}) on the last hop of its chain,
     * the first and every one after a failure or a loss.
     */
    public long remoteBindAttempts() {
        return remoteBindAttempts.get();
    }

    /** Attempts that failed, and open ports that were lost (the connection to the hop died). */
    public long remoteBindFailures() {
        return remoteBindFailures.get();
    }

    /** Where the last hop listens for this service's reverse listener now, or {@code null} while it does not. */
    public SocketAddress remoteBoundAddress() {
        return remoteBoundAddress;
    }

    long countRemoteBindAttempt() {
        return remoteBindAttempts.incrementAndGet();
    }

    void countRemoteBindFailure() {
        remoteBindFailures.incrementAndGet();
    }

    void remoteBound(SocketAddress address) {
        remoteBoundAddress = address;
    }

    /** How long a relayed tunnel may carry nothing before it is closed; {@code null} for no limit. */
    Duration idleTimeout() {
        return idleTimeout;
    }

    ChainRouter router() {
        return router;
    }

    /** For a reverse listener: the router through its listener chain, or {@code null} to open its port locally. */
    ChainRouter listenerRouter() {
        return listenerRouter;
    }

    Hop forwarderHop() {
        return forwarderHop;
    }

    int retries() {
        return retries;
    }

    /** True when hash selectors of the chain pick nodes by target host ({@code hash: host}). */
    boolean hashByTarget() {
        return hashByTarget;
    }

    NetnsRef listenNamespace() {
        return listenNamespace;
    }

    Transport transport() {
        return transport;
    }

    SocketPlacement placement() {
        return placement;
    }

    /**
     * Binds the listener, inside the service's namespace when it has one, and waits for the result.
     *
     * @throws ServiceStartException naming the service and address when the socket cannot be bound
     */
    public void start(Duration timeout) {
        start(timeout, true);
    }

    /**
     * As {@link #start(Duration)}.
     *
     * @param probe false when a socket of this runtime already listens on the address (the service this one
     *              replaces): the new socket then joins it with {@code SO_REUSEPORT} instead of being
     *              refused
     */
    public void start(Duration timeout, boolean probe) {
        ListenerSlot newSlot = new ListenerSlot(listener, bindAddress, listenNamespace, this);
        Future<SocketAddress> bound = newSlot.bind(placement, transport,
                new SocketPurpose(SocketPurpose.Kind.LISTEN, name, address), probe);
        try {
            if (!bound.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ServiceStartException(this, "timed out after " + timeout.toSeconds() + "s binding the listener");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceStartException(this, "interrupted while binding the listener");
        }
        if (!bound.isSuccess()) {
            throw new ServiceStartException(this, ServiceStartException.describe(bound.cause()), bound.cause());
        }
        slot = newSlot;
        boundAddress = bound.getNow();
        watchQuotas();
        if (reverseListener && listenerRouter != null) {
            log.info("service {}: {} handler for connections to {} on the last hop of chain {}", name, handlerType,
                    address, listenerRouter.chain().name());
        } else {
            log.info("service {} listening on {}{} ({} handler)", name, HostPort.format(boundAddress),
                    listenNamespace == null ? "" : " in network namespace " + listenNamespace, handlerType);
        }
        warnIfOpenProxy();
    }

    /**
     * Adopts the bound listener of the service this one replaces: connections accepted from now on are
     * this service's, the port never stops accepting (for a reverse listener: the port its listener chain's
     * last hop keeps open stays open). The listener this service was built with is not used (the runtime
     * closes it with the other plugins).
     */
    public void takeOver(ListenerSlot inherited) {
        remoteBoundAddress = inherited.target().remoteBoundAddress();
        inherited.retarget(this);
        slot = inherited;
        boundAddress = inherited.boundAddress();
        watchQuotas();
        log.info("service {} took over the listener on {}{} ({} handler)", name, HostPort.format(boundAddress),
                listenNamespace == null ? "" : " in network namespace " + listenNamespace, handlerType);
    }

    /**
     * GOST parks its accept loop while a quota of the service is used up: new clients wait in the listen
     * backlog and are served when the quota is reset or its window ends. Here: the listener's server sockets
     * stop accepting (auto-read off) while a quota blocks, and start again when none does.
     */
    private void watchQuotas() {
        if (quotas == null || quotaBook == null) {
            // A listener taken over from a predecessor that a quota had stopped: this service has none.
            ListenerSlot current = slot;
            if (current != null && current.accepting(true)) {
                log.info("service {}: names no quota any more: accepting again", name);
            }
            return;
        }
        if (quotaSubscription != null) {
            return;
        }
        quotaSubscription = quotaBook.subscribe(this::quotasChanged);
        quotasChanged();
    }

    private void quotasChanged() {
        ListenerSlot current = slot;
        if (current == null || current.target() != this || !current.isOpen()) {
            return;
        }
        io.gost.runtime.limit.quota.Quota blocking = quotas.blocking();
        if (blocking == null) {
            releaseParked();
        }
        if (current.accepting(blocking == null)) {
            if (blocking != null) {
                log.warn("service {}: quota {} is used up: not accepting new connections until it is reset or its"
                        + " window ends", name, blocking.name());
            } else {
                log.info("service {}: no quota blocks any more: accepting again", name);
            }
        }
    }

    private void releaseParked() {
        for (Channel client = parked.poll(); client != null; client = parked.poll()) {
            Channel waiting = client;
            if (waiting.isActive()) {
                waiting.eventLoop().execute(() -> accept(waiting));
            }
        }
    }

    /** True while one of the service's quotas is used up (GOST's {@code stoppedByLimit}). */
    public boolean stoppedByQuota() {
        return quotas != null && quotas.blocking() != null;
    }

    private void warnIfOpenProxy() {
        if (warnWhenReachableWithoutAuth && !isLoopback(boundAddress)) {
            log.warn("service {} ({} handler) accepts clients on {}{} without authentication: anyone who can reach"
                            + " that address can use it as an open proxy; add credentials (-L {}://user:pass@{},"
                            + " or handler auth/auther in a file) or listen on 127.0.0.1", name, handlerType,
                    address, listenNamespace == null ? "" : " in network namespace " + listenNamespace,
                    handlerType, address);
        }
    }

    /** Only the wildcard and real interface addresses are reachable from elsewhere. */
    private static boolean isLoopback(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }

    /** A connection the listener accepted. */
    void accept(Channel client) {
        if (quotas != null && quotas.blocking() != null) {
            // Accepted before the listener stopped (Netty accepts once more after auto-read goes off), or a
            // listener whose clients are not accepted sockets (udp sessions, mux streams ...): GOST's accept
            // would not have returned it yet, so it waits here, unread, until no quota blocks.
            parked.add(client);
            client.closeFuture().addListener(closed -> parked.remove(client));
            if (quotas.blocking() == null) {
                releaseParked(); // unblocked meanwhile: nobody else will
            }
            return;
        }
        // Counted first, so that connections accepted at once on several event loops cannot all pass.
        long open = connectionOpened();
        if (maxConnections > 0 && open > maxConnections) {
            connectionGone();
            refuse(client);
            return;
        }
        // Admission and limits, before anything is read from the client.
        // On a reverse listener's port opened through a chain the channel's remote address is the hop: the
        // admissions and limits are about the peer that connected there, which the binding names.
        // hasAttr first: attr() creates the attribute (48 bytes kept per connection) even to read nothing.
        InetSocketAddress peer = client.hasAttr(io.gost.api.Binding.PEER_ADDRESS)
                ? client.attr(io.gost.api.Binding.PEER_ADDRESS).get() : null;
        InetSocketAddress remote = peer != null ? peer
                : client.remoteAddress() instanceof InetSocketAddress address ? address : null;
        if (access.asksPlugin()) {
            // An admission plugin answers over HTTP; nothing is read from the client until it has, and what
            // epoll reads on a FIN meanwhile is held for the handler.
            AdmissionWait wait = AdmissionWait.install(client);
            access.admitsLater(name, remote).whenComplete((admits, error) -> client.eventLoop().execute(() -> {
                wait.remove(client);
                if (error != null || !admits || !client.isActive()) {
                    wait.discard();
                    connectionGone();
                    client.close();
                } else {
                    admitted(client, remote);
                    wait.replay(client);
                }
            }));
            return;
        }
        if (!access.admits(name, remote)) {
            connectionGone();
            client.close();
            return;
        }
        admitted(client, remote);
    }

    /** A connection its admissions let in: connection and request limits, pacing, then the handler. */
    private void admitted(Channel client, InetSocketAddress remote) {
        Refusal refusal = null;
        Object slot = access.acquireConnection(name, remote);
        if (slot instanceof Refusal refused) {
            if (!handlerAnswersRefusals) {
                connectionGone();
                client.close();
                return;
            }
            refusal = refused; // the handler answers it in its protocol
        } else if (slot instanceof ConnectionLimiter.Permit permit) {
            client.closeFuture().addListener(closed -> permit.release());
        }
        if (refusal == null && !handlerAnswersRefusals && access.checkRequest(name, remote) != null) {
            // GOST checks the request rate once per connection, and closes it without an answer.
            connectionGone();
            client.close();
            return;
        }
        if (refusal == null) {
            ClientPacing throttle = access.throttle(name, client instanceof DatagramSessionChannel ? "udp" : "tcp",
                    remote);
            if (throttle != null) {
                // At the head of the pipeline: every byte to and from the client, whoever moves it.
                client.pipeline().addFirst(ThrottleHandler.NAME, throttle.handler());
                if (!throttle.ready().isDone()) {
                    // A limiter plugin is being asked about this connection: nothing is read until it answered
                    // (GOST's first read waits for it), and what epoll reads on a FIN meanwhile is held.
                    AdmissionWait wait = AdmissionWait.install(client);
                    Refusal none = refusal;
                    throttle.ready().whenComplete((answered, error) -> client.eventLoop().execute(() -> {
                        wait.remove(client);
                        if (!client.isActive()) {
                            wait.discard();
                            connectionGone();
                            return;
                        }
                        handOver(client, none);
                        wait.replay(client);
                    }));
                    return;
                }
            }
        }
        handOver(client, refusal);
    }

    /** An admitted, paced connection to the handler. */
    private void handOver(Channel client, Refusal refusal) {
        if (quotas != null) {
            // At the very head, as GOST wraps the accepted connection: every byte to and from the client.
            client.pipeline().addFirst(io.gost.runtime.limit.quota.QuotaHandler.NAME, quotas);
        }
        ConnectionContext context = new ConnectionContext(this, client, sessions.incrementAndGet(), refusal);
        totalConnections.incrementAndGet();
        openChannels.add(client);
        client.closeFuture().addListener(closed -> {
            openChannels.remove(client);
            if (!context.relayed) {
                connectionClosed(context);
            }
        });
        // Keeps what an epoll channel reads on the client's FIN while the handler is still dialing, and the
        // reason if the client resets meanwhile.
        Relay.holdInbound(client, context::recordError);
        try {
            handler.handle(client, context);
        } catch (RuntimeException e) {
            log.warn("service {} sid={}: handler failed: {}", name, context.sessionId(), e.toString(), e);
            context.error = e;
            client.close();
        }
    }

    /**
     * Closes a connection beyond {@code maxConnections} before anything reads from it. A flood must not
     * become a flood of log lines: at most one line a second, counting the refusals since the last one.
     */
    private void refuse(Channel client) {
        refusedConnections.incrementAndGet();
        unreportedRefusals.incrementAndGet();
        client.close();
        long now = System.nanoTime();
        long next = nextRefusalReportNanos.get();
        if (now - next >= 0 && nextRefusalReportNanos.compareAndSet(next, now + REFUSAL_REPORT_INTERVAL_NANOS)) {
            long refused = unreportedRefusals.getAndSet(0);
            log.warn("service {}: {} open connections is its maxConnections; closed {} new connection{} (latest"
                            + " from {}); raise maxConnections if this load is expected",
                    name, maxConnections, refused, refused == 1 ? "" : "s", client.remoteAddress());
        }
    }

    private long connectionOpened() {
        stats.currentConnections.incrementAndGet();
        return currentConnections.incrementAndGet();
    }

    private long connectionGone() {
        stats.currentConnections.decrementAndGet();
        return currentConnections.decrementAndGet();
    }

    /** Counts and logs a finished connection, once. */
    void connectionClosed(ConnectionContext context) {
        if (context.finished) {
            return;
        }
        context.finished = true;
        if (context.error != null) {
            stats.countError();
        }
        context.observed.closed(System.nanoTime() - context.startNanos(), context.error != null);
        long open = connectionGone();
        connectionLog.closed(this, context);
        if (open == 0 && draining) {
            drained.complete(null);
        }
    }

    /** Bytes of a connection as they move: counted for the service's stats and the connection's observer. */
    void countBytes(ConnectionContext context, long fromClient, long toClient) {
        stats.addBytes(fromClient, toClient);
        context.observed.bytes(fromClient, toClient);
    }

    /**
     * Stops accepting: closes the listener slot, unless a successor took it over. Open connections go on;
     * the listener and handler themselves are closed by the runtime, which created them.
     */
    public void stopAccepting() {
        AutoCloseable subscription = quotaSubscription;
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                // removing a listener from a list
            }
        }
        for (Channel client = parked.poll(); client != null; client = parked.poll()) {
            client.close(); // nobody will serve it any more
        }
        ListenerSlot current = slot;
        if (current != null && current.target() == this && current.isOpen()) {
            current.close();
        } else if (current == null) {
            listener.close();
        }
    }

    /**
     * Stops accepting and lets open connections finish: completes when none is left, or when
     * {@code gracePeriod} is over, after closing those still open.
     *
     * @param timer schedules the end of the grace period
     */
    public CompletableFuture<Void> drain(Duration gracePeriod, java.util.concurrent.ScheduledExecutorService timer) {
        stopAccepting();
        draining = true;
        if (currentConnections.get() <= 0) {
            drained.complete(null);
        }
        if (!drained.isDone()) {
            java.util.concurrent.ScheduledFuture<?> deadline = timer.schedule(() -> {
                if (!drained.isDone()) {
                    log.info("service {}: grace period over: closing {} connection(s)", name, openChannels.size());
                    closeConnections();
                    drained.complete(null);
                }
            }, gracePeriod.toNanos(), TimeUnit.NANOSECONDS);
            drained.whenComplete((done, failure) -> deadline.cancel(false));
        }
        return drained;
    }

    /** Closes every open client connection now (their relays close the upstream side). */
    public void closeConnections() {
        for (Channel channel : openChannels) {
            channel.close();
        }
    }

    /** As {@link #stopAccepting}. */
    @Override
    public void close() {
        stopAccepting();
    }

    /** Collects a service's parts. */
    public static final class Builder {
        private String name;
        private String address;
        private InetSocketAddress bindAddress;
        private Listener listener;
        private Handler handler;
        private String handlerType = "?";
        private Hop forwarderHop;
        private ChainRouter router;
        private ChainRouter listenerRouter;
        private boolean reverseListener;
        private int retries;
        private boolean hashByTarget;
        private NetnsRef listenNamespace;
        private SocketPlacement placement = SocketPlacement.INLINE;
        private Transport transport;
        private ConnectionLog connectionLog = ConnectionLog.fromSystemProperties();
        private Duration idleTimeout;
        private int maxConnections;
        private boolean warnWhenReachableWithoutAuth;
        private String ownSocketsRefusal;
        private AccessControl access = AccessControl.NONE;
        private boolean handlerAnswersRefusals;
        private ServiceStats stats;
        private java.util.List<io.gost.runtime.limit.quota.Quota> quotas = java.util.List.of();
        private io.gost.runtime.limit.quota.Quotas quotaBook;

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder address(String configured, InetSocketAddress bindAddress) {
            this.address = configured;
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        public Builder handler(String type, Handler handler) {
            this.handlerType = type;
            this.handler = handler;
            return this;
        }

        public Builder forwarder(Hop hop) {
            this.forwarderHop = hop;
            return this;
        }

        public Builder router(ChainRouter router, int retries) {
            this.router = router;
            this.retries = retries;
            return this;
        }

        /**
         * For a reverse listener ({@code rtcp}, {@code rudp}): the router of its listener chain, or {@code null} to
         * open its port locally.
         */
        public Builder reverseListener(ChainRouter listenerRouter) {
            this.reverseListener = true;
            this.listenerRouter = listenerRouter;
            return this;
        }

        /** Makes hash selectors of the chain pick nodes by target host instead of by client address. */
        public Builder hashByTarget(boolean hashByTarget) {
            this.hashByTarget = hashByTarget;
            return this;
        }

        public Builder listenNamespace(NetnsRef namespace) {
            this.listenNamespace = namespace;
            return this;
        }

        public Builder placement(SocketPlacement placement) {
            this.placement = placement;
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder connectionLog(ConnectionLog connectionLog) {
            this.connectionLog = connectionLog;
            return this;
        }

        /** Closes relayed tunnels that carry nothing for this long; {@code null} or zero for no limit. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()
                    ? null : idleTimeout;
            return this;
        }

        /** Closes connections at accept while this many are open; 0 for no limit. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 0) {
                throw new IllegalArgumentException("maxConnections must be 0 (no limit) or more, got " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Makes {@link #start} warn when the listener is bound to a non-loopback address: for proxy handlers
         * (any target) that ask for no credentials.
         */
        public Builder warnWhenReachableWithoutAuth(boolean warn) {
            this.warnWhenReachableWithoutAuth = warn;
            return this;
        }

        /**
         * The service's admissions and limiters; {@code handlerAnswersRefusals} when its handler answers refused
         * requests in its protocol ({@link io.gost.api.HandlerFactory#answersRefusals()}).
         */
        public Builder access(AccessControl access, boolean handlerAnswersRefusals) {
            this.access = java.util.Objects.requireNonNull(access, "access");
            this.handlerAnswersRefusals = handlerAnswersRefusals;
            return this;
        }

        /**
         * Why handlers may not open sockets of their own toward targets ({@link
         * io.gost.api.HandlerContext#ownSocketsRefusal()}): the controls such sockets would go around, or
         * {@code null} for none.
         */
        public Builder ownSocketsRefusal(String reason) {
            this.ownSocketsRefusal = reason;
            return this;
        }

        /** Counters to go on with (those of the unchanged service this one replaces), or {@code null} for new ones. */
        public Builder stats(ServiceStats stats) {
            this.stats = stats;
            return this;
        }

        /**
         * The quotas the service counts its clients' bytes against and stops for when one is used up, and the
         * runtime's quotas, which say when that changes.
         */
        public Builder quotas(java.util.List<io.gost.runtime.limit.quota.Quota> quotas,
                              io.gost.runtime.limit.quota.Quotas book) {
            this.quotas = java.util.List.copyOf(quotas);
            this.quotaBook = book;
            return this;
        }

        public Service build() {
            return new Service(this);
        }
    }
}
