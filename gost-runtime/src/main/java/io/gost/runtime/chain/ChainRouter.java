package io.gost.runtime.chain;

import io.gost.api.BindRequest;
import io.gost.api.Binder;
import io.gost.api.Binding;
import io.gost.api.Connector;
import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.api.ListenContext;
import io.gost.api.NetnsRef;
import io.gost.api.RouteException;
import io.gost.api.Router;
import io.gost.api.SocketPurpose;
import io.gost.api.Transport;
import io.gost.runtime.bypass.BypassCheck;
import io.gost.runtime.dns.NameLookup;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import io.gost.runtime.relay.Relay;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reaches targets for one service: through its chain, or directly when it has none.
 *
 * <p>Direct: the target is dialed with the direct ({@code tcp}) dialer, the socket created in the
 * service's {@code netns.out} namespace. Through a chain: each hop selects a node; the first node is dialed
 * with its own dialer in its own namespace ({@code netns.out} plays no part once a chain is used, as in
 * GOST); each following node is reached through the previous node's connector, and the last connector
 * asks for the target. Every step gets the dial timeout. A failed attempt is retried with a fresh route,
 * so a node that just failed is skipped, {@code retries} times.
 *
 * <p>Datagrams and binds take the same route; only the last step differs. {@code dial("udp", target)}: directly
 * a UDP socket connected to the target, created in {@code netns.out}; through a chain the last connector's
 * {@code connect("udp", ...)} (SOCKS5 UDP-TUN, relay). {@link #associate}: directly an unconnected UDP socket in
 * {@code netns.out} that sends each datagram to its recipient (names resolved without blocking, the bypass
 * applied per datagram); through a chain the last connector's {@code associate}. {@link #bind}: through a chain
 * only, the last connector as a {@link Binder}.
 *
 * <p>Failure marking follows GOST: a failed dial marks the first node; a failed connect to node
 * {@code i} marks node {@code i}; a target refused by the last node marks nobody (the proxy worked). A
 * success resets the node's marker. Every failure is a {@link RouteException} naming the target and, in a
 * chain, the hop and node.
 *
 * <p>Forbidden targets: with a service {@code bypass}, a target it forbids fails at once as
 * {@link RouteException.Reason#NOT_ALLOWED}, before anything is dialed, and is never retried. A direct dial
 * is checked once more after it connected, against the address the name resolved to, so that a plain
 * (not whitelist) bypass of {@code 127.0.0.0/8} also holds for {@code localhost} or a name an attacker
 * points at the proxy's own host.
 *
 * <p>Routes (GOST): with several chains ({@code chainGroup}) one is picked per attempt and marked failed when
 * the route through it fails. A hop whose bypass applies to the target, or none of whose nodes may carry it,
 * ends the route before that hop; an empty route is a direct dial.
 *
 * <p>Names (GOST's {@code hosts} and {@code resolvers}): a service's host mapper and resolver turn the target
 * into an IP before anything is dialed, in the {@code netns.out} namespace; a node's do the same for the
 * node's address, in the node's namespace.
 *
 * <p>Outgoing sockets (GOST's {@code interface} and {@code so_mark}): a direct dial uses the service's
 * settings, a dial to a chain's first node that node's. Each interface entry is tried in order (an interface
 * name with each of its addresses), until one connects or a strict entry ({@code !}) fails.
 *
 * <p>Thread-safe and shared by all connections of the service.
 *
 * <p>Why this class is long, and what comes out next: one route walk serves four goals (a stream, a datagram
 * target, a UDP association, a port bound on the last hop) with the same retries, node marks, bypasses,
 * name lookups and outgoing-socket settings, so they share {@code RouteDial}. The outgoing-socket settings
 * ({@code socketSettings}, {@code dialEach}) and the goals are the next pieces to move to classes of their own.
 */
public final class ChainRouter {

    /** Linux's {@code SOL_SOCKET} level and the options gost-java sets there. */
    private static final int SOL_SOCKET = 1;
    private static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", SOL_SOCKET, 36);
    private static final int IFNAMSIZ = 16;
    private static final RawUnixChannelOption SO_BINDTODEVICE =
            new RawUnixChannelOption("SO_BINDTODEVICE", SOL_SOCKET, 25, IFNAMSIZ);

    /**
     * What a service asks of its routes beyond the chain: which targets it refuses, how it resolves them, and
     * how its direct dials make their sockets.
     *
     * @param bypass   targets refused, or {@code null}
     * @param names    the service's host mapper and resolver, or {@code null}
     * @param outbound the interface and mark of direct dials
     */
    public record Controls(BypassCheck bypass, NameLookup names, Outbound outbound) {

        /** None. */
        public static final Controls NONE = new Controls(null, null, Outbound.NONE);

        public Controls {
            Objects.requireNonNull(outbound, "outbound");
        }
    }

    private final ChainGroup chains;
    private final NetnsRef outNamespace;
    private final int retries;
    private final Duration dialTimeout;
    private final Transport transport;
    private final SocketPlacement placement;
    private final Dialer directDialer;
    private final String serviceName;
    private final BypassCheck bypass;
    private final NameLookup names;
    private final Outbound outbound;
    private volatile RouteObserver observer = RouteObserver.NONE;

    /**
     * @param chain        the service's chain, or {@code null} to dial targets directly
     * @param outNamespace the service's {@code netns.out}, or {@code null}; used for direct dials only
     * @param retries      extra attempts after a failed one (handler {@code retries}), 0 or more
     * @param dialTimeout  the limit for each step (dial, each handshake); positive
     * @param directDialer the registry's {@code tcp} dialer, for direct dials and nodes without a dialer
     * @param serviceName  names the service in socket purposes
     * @param bypass       the service's bypass, or {@code null} to allow every target
     */
    public ChainRouter(Chain chain, NetnsRef outNamespace, int retries, Duration dialTimeout, Transport transport,
                       SocketPlacement placement, Dialer directDialer, String serviceName, BypassCheck bypass) {
        this(chain == null ? null : ChainGroup.of(chain), outNamespace, retries, dialTimeout, transport, placement,
                directDialer, serviceName, new Controls(bypass, null, Outbound.NONE));
    }

    /**
     * @param chains       the service's chains (one, or a {@code chainGroup}), or {@code null} to dial targets
     *                     directly
     * @param controls     the service's bypass, name lookup and outbound settings
     */
    public ChainRouter(ChainGroup chains, NetnsRef outNamespace, int retries, Duration dialTimeout,
                       Transport transport, SocketPlacement placement, Dialer directDialer, String serviceName,
                       Controls controls) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
        }
        this.chains = chains;
        this.outNamespace = outNamespace;
        this.retries = retries;
        if (dialTimeout == null || dialTimeout.isZero() || dialTimeout.isNegative()) {
            throw new IllegalArgumentException("dialTimeout must be positive, got " + dialTimeout);
        }
        this.dialTimeout = dialTimeout;
        this.transport = Objects.requireNonNull(transport, "transport");
        this.placement = Objects.requireNonNull(placement, "placement");
        this.directDialer = Objects.requireNonNull(directDialer, "directDialer");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.bypass = controls.bypass();
        this.names = controls.names();
        this.outbound = controls.outbound();
    }

    /** Sets what hears of routes through the chains (the metrics). */
    public void observe(RouteObserver observer) {
        this.observer = observer == null ? RouteObserver.NONE : observer;
    }

    /** The first chain, or {@code null} when targets are dialed directly. */
    public Chain chain() {
        return chains == null ? null : chains.chains().get(0);
    }

    /** The chains, or {@code null} when targets are dialed directly. */
    public ChainGroup chains() {
        return chains;
    }

    public int retries() {
        return retries;
    }

    public Duration dialTimeout() {
        return dialTimeout;
    }

    /**
     * Connects to {@code target}, with {@code retries + 1} attempts.
     *
     * @param loop      the event loop the returned channel is registered on (the client's)
     * @param network   {@code "tcp"}, or {@code "udp"} for a datagram channel with the target as its one peer
     * @param target    the target, usually unresolved (resolved by the dialer, or by the last hop)
     * @param clientKey identifies the client for {@code hash} selectors; may be null
     * @return an active channel on {@code loop} with auto-read off, or a failed future whose cause is a
     *         {@link RouteException}
     */
    public Future<Channel> dial(EventLoop loop, String network, InetSocketAddress target, String clientKey) {
        return dial(loop, network, target, clientKey, retries + 1);
    }

    /** As {@link #dial(EventLoop, String, InetSocketAddress, String)}, with a given number of attempts. */
    Future<Channel> dial(EventLoop loop, String network, InetSocketAddress target, String clientKey, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be 1 or more, got " + attempts);
        }
        if (bypass != null && bypass.asksPlugin()) {
            // A bypass plugin answers over HTTP: the dial goes on, on the client's loop, once it has.
            Promise<Channel> result = loop.newPromise();
            bypass.forbidsLater(network, BypassCheck.hostOf(target), target.getPort(), serviceName)
                    .whenComplete((forbidden, error) -> loop.execute(() -> {
                        if (error != null || forbidden) {
                            result.tryFailure(notAllowed(Node.formatAddress(target)));
                        } else {
                            io.netty.util.concurrent.PromiseNotifier.cascade(
                                    dialAllowed(loop, network, target, clientKey, attempts), result);
                        }
                    }));
            return result;
        }
        if (bypass != null && bypass.forbids(network, target)) {
            return loop.newFailedFuture(notAllowed(Node.formatAddress(target)));
        }
        return dialAllowed(loop, network, target, clientKey, attempts);
    }

    /** A dial the service's bypass allows: the target resolved with the service's hosts and resolver, then routed. */
    private Future<Channel> dialAllowed(EventLoop loop, String network, InetSocketAddress target, String clientKey,
                                        int attempts) {
        Promise<Channel> result = loop.newPromise();
        if (names == null || !target.isUnresolved()) {
            new RouteDial<>(loop, goal(network, target, target), clientKey, result).attempt(attempts, null);
            return result;
        }
        // GOST resolves a target with the service's hosts and resolver before it routes.
        names.resolve(network, target, outNamespace, loop).addListener(resolved -> {
            if (!resolved.isSuccess()) {
                result.tryFailure(new RouteException(RouteException.Reason.UNREACHABLE, "target "
                        + Node.formatAddress(target) + " does not resolve: " + resolved.cause().getMessage(),
                        resolved.cause()));
                return;
            }
            InetSocketAddress address = (InetSocketAddress) resolved.getNow();
            if (bypass != null && !address.isUnresolved() && bypass.blacklistForbids(network,
                    BypassCheck.hostOf(address), address.getPort())) {
                result.tryFailure(notAllowed(Node.formatAddress(target) + " (" + address.getAddress().getHostAddress()
                        + ")"));
                return;
            }
            new RouteDial<>(loop, goal(network, target, address), clientKey, result).attempt(attempts, null);
        });
        return result;
    }

    /** What a dial is for: {@code requested} as the client named it, {@code target} as it is to be dialed. */
    private Goal<Channel> goal(String network, InetSocketAddress requested, InetSocketAddress target) {
        return "udp".equals(network) ? new DatagramTarget(requested, target)
                : new StreamTarget(network, requested, target);
    }

    /**
     * A UDP association (see {@link io.gost.api.Router#associate()}), with {@code retries + 1} attempts. With a
     * chain group, each attempt picks a chain from the group like any dial.
     *
     * @param loop      the event loop the returned channel is registered on (the client's)
     * @param clientKey identifies the client for {@code hash} selectors; may be null
     */
    public Future<Channel> associate(EventLoop loop, String clientKey) {
        Promise<Channel> result = loop.newPromise();
        new RouteDial<>(loop, new Association(), clientKey, result).attempt(retries + 1, null);
        return result;
    }

    /**
     * Opens a port on the last hop of the chain (with a chain group, of the chain each attempt picks), whose
     * connector must be a {@link Binder}; what arrives goes to {@code acceptor}. With {@code attempts} tries
     * (each on a fresh route).
     *
     * @return the binding, or a failed future whose cause is a {@link RouteException}; {@code GENERAL} without a
     *         chain (a local port is the caller's to open, in the namespace it belongs to)
     */
    public Future<Binding> bind(EventLoop loop, BindRequest request, ListenContext.Acceptor acceptor,
                                String clientKey, int attempts) {
        if (chains == null || chains.chains().stream().anyMatch(each -> each.hops().isEmpty())) {
            return loop.newFailedFuture(new RouteException(RouteException.Reason.GENERAL, "service " + serviceName
                    + " has no chain to open " + request.network() + " " + Node.formatAddress(request.address())
                    + " on"));
        }
        Promise<Binding> result = loop.newPromise();
        new RouteDial<>(loop, new BindGoal(request, acceptor), clientKey, result).attempt(Math.max(1, attempts), null);
        return result;
    }

    /**
     * Refuses a UDP socket the router would make itself while the service sets {@code interface} or
     * {@code so_mark}: such sockets are not made with them yet, and sending around them is not allowed.
     */
    private RouteException outboundRefusal(String subject) {
        return new RouteException(RouteException.Reason.NOT_ALLOWED, subject + " is refused: service " + serviceName
                + " sets " + outbound + ", which UDP sockets are not made with yet");
    }

    private RouteException notAllowed(String target) {
        return new RouteException(RouteException.Reason.NOT_ALLOWED, "target " + target
                + " is forbidden by bypass '" + bypass.name() + "' of service " + serviceName);
    }

    /** The outgoing socket options for one attempt: a local address and the options to set. */
    private record SocketSettings(InetSocketAddress localAddress, Map<ChannelOption<?>, Object> options,
                                  String description, boolean strict) {
    }

    /**
     * The settings to try in order for a socket to {@code address} with {@code outbound}: one per address of
     * each interface entry. Runs in the namespace of the dial (interfaces are the namespace's).
     */
    private static List<SocketSettings> socketSettings(Outbound outbound, InetSocketAddress address) {
        Map<ChannelOption<?>, Object> markOnly = outbound.mark() == 0 ? Map.of() : Map.of(SO_MARK, outbound.mark());
        if (outbound.interfaces().isEmpty()) {
            return List.of(new SocketSettings(null, markOnly, "", false));
        }
        InetAddress target = address.isUnresolved() ? null : address.getAddress();
        List<SocketSettings> settings = new ArrayList<>();
        for (Outbound.Interface entry : outbound.interfaces()) {
            if (entry.ip() != null) {
                try {
                    InetAddress local = InetAddress.getByAddress(entry.ip());
                    if (target == null || local.getClass() == target.getClass()) {
                        settings.add(new SocketSettings(new InetSocketAddress(local, 0), markOnly,
                                "from " + local.getHostAddress(), entry.strict()));
                    }
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e); // four or sixteen bytes, always an address
                }
                continue;
            }
            NetworkInterface device;
            try {
                device = NetworkInterface.getByName(entry.name());
            } catch (SocketException e) {
                device = null;
            }
            if (device == null) {
                throw new IllegalStateException("interface '" + entry.name() + "' does not exist"
                        + " (here, in the namespace of the dial)");
            }
            Map<ChannelOption<?>, Object> options = new LinkedHashMap<>(markOnly);
            // GOST binds to the device too, except for targets that are not global unicast (loopback ...).
            if (target == null || !(target.isLoopbackAddress() || target.isLinkLocalAddress()
                    || target.isAnyLocalAddress() || target.isMulticastAddress())) {
                options.put(SO_BINDTODEVICE, deviceName(entry.name()));
            }
            Enumeration<InetAddress> locals = device.getInetAddresses();
            List<InetAddress> ordered = new ArrayList<>();
            while (locals.hasMoreElements()) {
                InetAddress local = locals.nextElement();
                if ((target == null || local.getClass() == target.getClass()) && !local.isLinkLocalAddress()) {
                    ordered.add(local);
                }
            }
            ordered.sort(Comparator.comparing(local -> local instanceof java.net.Inet6Address));
            for (InetAddress local : ordered) {
                settings.add(new SocketSettings(new InetSocketAddress(local, 0), Map.copyOf(options),
                        "through " + entry.name() + " (" + local.getHostAddress() + ")", entry.strict()));
            }
        }
        if (settings.isEmpty()) {
            throw new IllegalStateException("interface " + outbound.interfaces() + " has no address for "
                    + Node.formatAddress(address));
        }
        return settings;
    }

    private static java.nio.ByteBuffer deviceName(String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(bytes, IFNAMSIZ));
    }

    /**
     * What a route is walked for: the last step, directly or at the last hop, and what to do with a result
     * nobody took.
     */
    private interface Goal<T> {

        /** For messages: {@code 127.0.0.1:53}, {@code a UDP association}, {@code bind tcp 0.0.0.0:2222}. */
        String describe();

        /** The subject of a failed direct step, e.g. {@code target 127.0.0.1:53}. */
        default String directSubject() {
            return "target " + describe();
        }

        /** The last step without a chain. */
        Future<T> direct(RouteDial<T> dial);

        /** The last step through the last node, over {@code channel} to it. */
        Future<T> atLastHop(Node last, Channel channel, EventLoop loop);

        /**
         * The nodes of {@code chain} to take: one per hop. A goal without a target to match hop and node bypasses
         * against (an association, a bind) takes every hop.
         */
        default List<Node> route(Chain chain, String clientKey) {
            return chain.route(clientKey);
        }

        /** Handed to the caller. */
        default void delivered(T value) {
        }

        /** A result that arrived too late for anyone. */
        void discard(T value);
    }

    /** A tcp target (or a protocol's own network, passed to the last connector as it is). */
    private final class StreamTarget implements Goal<Channel> {
        private final String network;
        /** The target as the client asked for it (bypasses match it). */
        private final InetSocketAddress requested;
        /** The target to dial: {@code requested}, or its IP after the service's hosts and resolver. */
        private final InetSocketAddress target;

        StreamTarget(String network, InetSocketAddress requested, InetSocketAddress target) {
            this.network = network;
            this.requested = requested;
            this.target = target;
        }

        @Override
        public String describe() {
            return Node.formatAddress(target);
        }

        @Override
        public Future<Channel> direct(RouteDial<Channel> dial) {
            return dial.dialDirect(network, requested, target);
        }

        @Override
        public List<Node> route(Chain chain, String clientKey) {
            // Hop and node bypasses match the target as the client asked for it.
            return chain.route(clientKey, network, requested);
        }

        @Override
        public Future<Channel> atLastHop(Node last, Channel channel, EventLoop loop) {
            return connect(last, channel, network, target, loop);
        }

        @Override
        public void delivered(Channel channel) {
            holdInbound(channel);
        }

        @Override
        public void discard(Channel channel) {
            channel.close();
        }
    }

    /** One UDP target: a connected socket, or a datagram tunnel from the last hop. */
    private final class DatagramTarget implements Goal<Channel> {
        /** The target as the client asked for it (bypasses match it). */
        private final InetSocketAddress requested;
        /** The target to send to: {@code requested}, or its IP after the service's hosts and resolver. */
        private final InetSocketAddress target;

        DatagramTarget(InetSocketAddress requested, InetSocketAddress target) {
            this.requested = requested;
            this.target = target;
        }

        @Override
        public List<Node> route(Chain chain, String clientKey) {
            return chain.route(clientKey, "udp", requested);
        }

        @Override
        public String describe() {
            return Node.formatAddress(target) + " (udp)";
        }

        @Override
        public String directSubject() {
            return "target " + Node.formatAddress(target) + " (udp)";
        }

        @Override
        public Future<Channel> direct(RouteDial<Channel> dial) {
            return dial.dialDatagramDirect(requested, target);
        }

        @Override
        public Future<Channel> atLastHop(Node last, Channel channel, EventLoop loop) {
            return connect(last, channel, "udp", target, loop);
        }

        @Override
        public void delivered(Channel channel) {
            holdInbound(channel);
        }

        @Override
        public void discard(Channel channel) {
            channel.close();
        }
    }

    /** A UDP association: an unconnected socket, or an association with the last hop. */
    private final class Association implements Goal<Channel> {
        @Override
        public String describe() {
            return "a UDP association";
        }

        @Override
        public String directSubject() {
            return "the UDP association socket";
        }

        @Override
        public Future<Channel> direct(RouteDial<Channel> dial) {
            return dial.openAssociation();
        }

        @Override
        public Future<Channel> atLastHop(Node last, Channel channel, EventLoop loop) {
            Connector connector = last.connector();
            if (connector == null) {
                return loop.newFailedFuture(new IllegalStateException("has no connector to speak through it"));
            }
            try {
                return connector.associate(channel, dialTimeout);
            } catch (RuntimeException e) {
                return loop.newFailedFuture(e);
            }
        }

        @Override
        public void delivered(Channel channel) {
            holdInbound(channel);
        }

        @Override
        public void discard(Channel channel) {
            channel.close();
        }
    }

    /** A port on the last hop. */
    private final class BindGoal implements Goal<Binding> {
        private final BindRequest request;
        private final ListenContext.Acceptor acceptor;

        BindGoal(BindRequest request, ListenContext.Acceptor acceptor) {
            this.request = request;
            this.acceptor = acceptor;
        }

        @Override
        public String describe() {
            return "bind " + request.network() + " " + Node.formatAddress(request.address());
        }

        @Override
        public Future<Binding> direct(RouteDial<Binding> dial) {
            throw new IllegalStateException("a bind is only routed through a chain");
        }

        @Override
        public Future<Binding> atLastHop(Node last, Channel channel, EventLoop loop) {
            if (!(last.connector() instanceof Binder binder)) {
                channel.close();
                return loop.newFailedFuture(new RouteException(RouteException.Reason.GENERAL, "cannot be asked to"
                        + " listen: its connector (" + (last.connector() == null ? "none"
                        : last.connector().getClass().getSimpleName()) + ") is not a binder; the last node of a"
                        + " chain for rtcp, rudp or a SOCKS5 BIND must be socks5 or relay"));
            }
            try {
                return binder.bind(channel, request, acceptor, dialTimeout);
            } catch (RuntimeException e) {
                channel.close();
                return loop.newFailedFuture(e);
            }
        }

        @Override
        public void discard(Binding binding) {
            binding.close();
        }
    }

    private static void holdInbound(Channel channel) {
        // What the upstream sends (or its FIN) before the handler starts a relay is kept.
        if (channel.pipeline().get(Relay.HOLD_HANDLER_NAME) == null) {
            Relay.holdInbound(channel);
        }
    }

    private Future<Channel> connect(Node via, Channel channel, String network, InetSocketAddress address,
                                    EventLoop loop) {
        Connector connector = via.connector();
        if (connector == null) {
            return loop.newFailedFuture(new IllegalStateException("has no connector to speak through it"));
        }
        try {
            return connector.connect(channel, network, address, dialTimeout);
        } catch (RuntimeException e) {
            return loop.newFailedFuture(e);
        }
    }

    /** The state of one routed request: its parameters and where its attempts stand. */
    private final class RouteDial<T> implements DialContext {

        private final EventLoop loop;
        private final Goal<T> goal;
        private final String clientKey;
        private final Promise<T> result;
        /** When the current attempt began dialing its first node. */
        private long firstNodeStart;

        RouteDial(EventLoop loop, Goal<T> goal, String clientKey, Promise<T> result) {
            this.loop = loop;
            this.goal = goal;
            this.clientKey = clientKey;
            this.result = result;
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public Transport transport() {
            return transport;
        }

        @Override
        public Duration timeout() {
            return dialTimeout;
        }

        void attempt(int attemptsLeft, RouteException lastFailure) {
            if (result.isDone()) {
                return; // cancelled by the caller, e.g. because the client went away
            }
            if (attemptsLeft == 0) {
                result.tryFailure(lastFailure);
                return;
            }
            Chain chain = chains == null ? null : chains.select(clientKey);
            List<Node> route = chain == null ? List.of() : goal.route(chain, clientKey);
            Promise<T> attempt = loop.newPromise();
            if (route.isEmpty()) {
                Future<T> direct;
                try {
                    direct = goal.direct(this);
                } catch (RuntimeException e) {
                    direct = loop.newFailedFuture(new RouteException(RouteException.Reason.GENERAL, e.getMessage(), e));
                }
                direct.addListener(done -> {
                    if (done.isSuccess()) {
                        @SuppressWarnings("unchecked")
                        T value = (T) done.getNow();
                        if (!attempt.trySuccess(value)) {
                            goal.discard(value);
                        }
                    } else {
                        attempt.tryFailure(done.cause());
                    }
                });
            } else {
                dialFirstNode(chain, route, attempt);
            }
            attempt.addListener(done -> {
                if (chain != null && !route.isEmpty()) {
                    // GOST marks a chain whose route failed, and resets it when one works.
                    if (done.isSuccess()) {
                        chains.marker(chain).reset();
                    } else {
                        chains.marker(chain).mark();
                    }
                }
                if (done.isSuccess()) {
                    @SuppressWarnings("unchecked")
                    T value = (T) done.getNow();
                    goal.delivered(value);
                    if (!result.trySuccess(value)) {
                        goal.discard(value);
                    }
                } else {
                    RouteException failure = (RouteException) done.cause();
                    // A forbidden target stays forbidden: no retry.
                    attempt(failure.reason() == RouteException.Reason.NOT_ALLOWED ? 0 : attemptsLeft - 1, failure);
                }
            });
        }

        Future<Channel> dialDirect(String network, InetSocketAddress requested, InetSocketAddress target) {
            String targetText = Node.formatAddress(target);
            SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET, serviceName, targetText);
            Promise<Channel> attempt = loop.newPromise();
            dialSocket(directDialer, target, outNamespace, purpose, outbound).addListener(dialed -> {
                if (dialed.isSuccess()) {
                    Channel channel = (Channel) dialed.getNow();
                    if (resolvesToForbiddenAddress(network, requested, channel)) {
                        channel.close();
                        attempt.tryFailure(notAllowed(targetText + " (" + Node.formatAddress(
                                (InetSocketAddress) channel.remoteAddress()) + ")"));
                        return;
                    }
                    attempt.trySuccess(channel);
                } else {
                    attempt.tryFailure(RouteFailures.failure(goal.directSubject(), fromNamespace(), dialed.cause(),
                            dialTimeout));
                }
            });
            return attempt;
        }

        /** A UDP socket connected to {@code target}, created in {@code netns.out}. */
        Future<Channel> dialDatagramDirect(InetSocketAddress requested, InetSocketAddress target) {
            Promise<Channel> attempt = loop.newPromise();
            if (!outbound.isEmpty()) {
                attempt.tryFailure(outboundRefusal(goal.directSubject()));
                return attempt;
            }
            resolve(target).addListener(resolved -> {
                if (!resolved.isSuccess()) {
                    attempt.tryFailure(RouteFailures.failure(goal.directSubject(), fromNamespace(), resolved.cause(),
                            dialTimeout));
                    return;
                }
                InetSocketAddress address = (InetSocketAddress) resolved.getNow();
                if (requested.isUnresolved() && bypass != null && !address.isUnresolved()
                        && bypass.blacklistForbids("udp", BypassCheck.hostOf(address), address.getPort())) {
                    attempt.tryFailure(notAllowed(Node.formatAddress(target) + " (" + Node.formatAddress(address) + ")"));
                    return;
                }
                SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET, serviceName,
                        Node.formatAddress(target) + " (udp)");
                Future<Channel> dialed = placement.place(outNamespace, purpose, loop,
                        () -> channelOf(loop, DatagramSockets.connected(loop, transport).connect(address)));
                dialed.addListener(done -> {
                    if (done.isSuccess()) {
                        attempt.trySuccess((Channel) done.getNow());
                    } else {
                        attempt.tryFailure(RouteFailures.failure(goal.directSubject(), fromNamespace(), done.cause(),
                                dialTimeout));
                    }
                });
            });
            return attempt;
        }

        /** An unconnected UDP socket in {@code netns.out} that sends each datagram to its recipient. */
        Future<Channel> openAssociation() {
            Promise<Channel> attempt = loop.newPromise();
            if (!outbound.isEmpty()) {
                attempt.tryFailure(outboundRefusal(goal.directSubject()));
                return attempt;
            }
            if (names != null) {
                // Each datagram names its own recipient; the service's hosts and resolver are not asked about
                // them yet, and sending them to what the system resolver says would go around them.
                attempt.tryFailure(new RouteException(RouteException.Reason.NOT_ALLOWED, "service " + serviceName
                        + ": a UDP association is refused: its " + names + " would not be applied to the"
                        + " recipients of its datagrams"));
                return attempt;
            }
            if (bypass != null && bypass.asksPlugin()) {
                // A bypass plugin is asked over HTTP per target; datagrams are not held for its answer.
                attempt.tryFailure(new RouteException(RouteException.Reason.NOT_ALLOWED, "service " + serviceName
                        + ": a UDP association is refused: bypass " + bypass.name() + " asks a plugin, which"
                        + " gost-java does not ask about each datagram's recipient"));
                return attempt;
            }
            SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET, serviceName, "UDP association");
            Future<Channel> opened = placement.place(outNamespace, purpose, loop,
                    () -> channelOf(loop, DatagramSockets.association(loop, transport, bypass, serviceName)
                            .bind(new InetSocketAddress(0))));
            opened.addListener(done -> {
                if (done.isSuccess()) {
                    attempt.trySuccess((Channel) done.getNow());
                } else {
                    attempt.tryFailure(RouteFailures.failure(goal.directSubject(), fromNamespace(), done.cause(),
                            dialTimeout));
                }
            });
            return attempt;
        }

        private Future<InetSocketAddress> resolve(InetSocketAddress target) {
            if (!target.isUnresolved()) {
                return loop.newSucceededFuture(target);
            }
            return transport.resolver().getResolver(loop).resolve(target);
        }

        private String fromNamespace() {
            return outNamespace == null ? "" : "from network namespace " + outNamespace;
        }

        /**
         * True when a plain bypass forbids the address a name resolved to. A whitelist allows what the client
         * asked for by name, so the address is not checked against it.
         */
        private boolean resolvesToForbiddenAddress(String network, InetSocketAddress target, Channel channel) {
            return bypass != null && target.isUnresolved()
                    && channel.remoteAddress() instanceof InetSocketAddress remote && !remote.isUnresolved()
                    && bypass.blacklistForbids(network, BypassCheck.hostOf(remote), remote.getPort());
        }

        private void dialFirstNode(Chain chain, List<Node> route, Promise<T> attempt) {
            Node first = route.get(0);
            firstNodeStart = System.nanoTime();
            Dialer dialer = first.dialer() != null ? first.dialer() : directDialer;
            SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.DIAL_NODE, first.name(), first.addressText());
            Future<InetSocketAddress> address = first.route().names() == null ? loop.newSucceededFuture(first.address())
                    : first.route().names().resolve(first.address(), first.netns(), loop);
            address.addListener(resolved -> {
                if (!resolved.isSuccess()) {
                    first.marker().mark();
                    observer.failed(chain.name(), first.name());
                    attempt.tryFailure(RouteFailures.failure(describe(chain, 0, first),
                            "while reaching " + goal.describe(), resolved.cause(), dialTimeout));
                    return;
                }
                dialSocket(dialer, (InetSocketAddress) resolved.getNow(), first.netns(), purpose,
                        first.route().outbound()).addListener(dialed -> {
                    if (!dialed.isSuccess()) {
                        first.marker().mark();
                        observer.failed(chain.name(), first.name());
                        attempt.tryFailure(RouteFailures.failure(describe(chain, 0, first),
                                "while reaching " + goal.describe(), dialed.cause(), dialTimeout));
                        return;
                    }
                    first.marker().reset();
                    connectThrough(chain, route, 1, (Channel) dialed.getNow(), attempt);
                });
            });
        }

        /**
         * Asks node {@code index - 1} to connect to node {@code index}, or takes the last step when {@code index}
         * is past the last node.
         */
        private void connectThrough(Chain chain, List<Node> route, int index, Channel channel, Promise<T> attempt) {
            Node via = route.get(index - 1);
            if (index == route.size()) {
                Future<T> done = bounded(goal.atLastHop(via, channel, loop), goal, () -> new TimeoutException(
                        "no answer to the handshake within " + RouteFailures.format(dialTimeout)));
                done.addListener(step -> {
                    if (index == 1 && step.isSuccess()) {
                        observer.connected(chain.name(), via.name(), System.nanoTime() - firstNodeStart);
                    }
                    if (step.isSuccess()) {
                        @SuppressWarnings("unchecked")
                        T value = (T) step.getNow();
                        if (!attempt.trySuccess(value)) {
                            goal.discard(value);
                        }
                        return;
                    }
                    observer.failed(chain.name(), via.name());
                    channel.close();
                    attempt.tryFailure(RouteFailures.failure(describe(chain, index - 1, via),
                            "while asking for " + goal.describe(), step.cause(), dialTimeout));
                });
                return;
            }
            Node next = route.get(index);
            Future<Channel> connected = bounded(connect(via, channel, "tcp", next.address(), loop), CLOSE_CHANNEL,
                    () -> new TimeoutException("no answer to the handshake within " + RouteFailures.format(dialTimeout)));
            connected.addListener(done -> {
                if (index == 1 && done.isSuccess()) {
                    observer.connected(chain.name(), via.name(), System.nanoTime() - firstNodeStart);
                }
                if (!done.isSuccess()) {
                    observer.failed(chain.name(), via.name());
                    channel.close();
                    next.marker().mark();
                    attempt.tryFailure(RouteFailures.failure(describe(chain, index - 1, via),
                            "while asking for " + next.addressText(), done.cause(), dialTimeout));
                    return;
                }
                next.marker().reset();
                connectThrough(chain, route, index + 1, (Channel) done.getNow(), attempt);
            });
        }

        /**
         * Creates a socket with {@code dialer} inside {@code namespace} and connects it, with the outgoing
         * interface and mark of {@code socket}: each interface address in turn until one connects.
         */
        private Future<Channel> dialSocket(Dialer dialer, InetSocketAddress address, NetnsRef namespace,
                                           SocketPurpose purpose, Outbound socket) {
            if (socket.isEmpty()) {
                Future<Channel> dialed = placement.place(namespace, purpose, loop, () -> dialer.dial(address, this));
                return bounded(dialed, CLOSE_CHANNEL, () -> new ConnectTimeoutException("connection timed out after "
                        + RouteFailures.format(dialTimeout) + ": " + Node.formatAddress(address)));
            }
            Promise<Channel> result = loop.newPromise();
            // The interfaces are looked up where the socket is made: in its namespace.
            placement.place(namespace, purpose, loop, () -> {
                try {
                    return loop.newSucceededFuture(socketSettings(socket, address));
                } catch (RuntimeException e) {
                    return loop.<List<SocketSettings>>newFailedFuture(e);
                }
            }).addListener(looked -> {
                if (!looked.isSuccess()) {
                    result.tryFailure(looked.cause());
                    return;
                }
                @SuppressWarnings("unchecked")
                List<SocketSettings> settings = (List<SocketSettings>) looked.getNow();
                dialEach(dialer, address, namespace, purpose, settings, 0, null, result);
            });
            return result;
        }

        private void dialEach(Dialer dialer, InetSocketAddress address, NetnsRef namespace, SocketPurpose purpose,
                              List<SocketSettings> settings, int index, Throwable lastFailure,
                              Promise<Channel> result) {
            if (index == settings.size() || result.isDone()) {
                result.tryFailure(lastFailure);
                return;
            }
            SocketSettings current = settings.get(index);
            if (!current.options().isEmpty() && "nio".equals(transport.name())) {
                // Netty's NIO channels would drop SO_MARK and SO_BINDTODEVICE with a warning: refuse instead.
                result.tryFailure(new java.io.IOException("so_mark and interface names need the native epoll or"
                        + " io_uring transport; this process runs on nio (see --transport)"));
                return;
            }
            DialContext context = new DialContext() {
                @Override
                public EventLoop eventLoop() {
                    return loop;
                }

                @Override
                public Transport transport() {
                    return transport;
                }

                @Override
                public Duration timeout() {
                    return dialTimeout;
                }

                @Override
                public Optional<InetSocketAddress> localAddress() {
                    return Optional.ofNullable(current.localAddress());
                }

                @Override
                public Map<ChannelOption<?>, Object> socketOptions() {
                    return current.options();
                }
            };
            Future<Channel> dialed = bounded(placement.place(namespace, purpose, loop,
                    () -> dialer.dial(address, context)), CLOSE_CHANNEL, () -> new ConnectTimeoutException("connection timed out after "
                    + RouteFailures.format(dialTimeout) + ": " + Node.formatAddress(address)));
            dialed.addListener(done -> {
                if (done.isSuccess()) {
                    if (!result.trySuccess((Channel) done.getNow())) {
                        ((Channel) done.getNow()).close();
                    }
                    return;
                }
                Throwable failure = current.description().isEmpty() ? done.cause()
                        : new java.io.IOException(current.description() + ": " + done.cause().getMessage(),
                        done.cause());
                if (current.strict()) {
                    result.tryFailure(failure);
                } else {
                    dialEach(dialer, address, namespace, purpose, settings, index + 1, failure, result);
                }
            });
        }

        /**
         * Fails {@code step} after the dial timeout even if its plugin forgets to, and discards a result that
         * arrives too late.
         */
        private <V> Future<V> bounded(Future<V> step, Goal<V> owner, Supplier<Exception> timeoutFailure) {
            if (step.isDone()) {
                return step;
            }
            Promise<V> bounded = loop.newPromise();
            // Touched only on the loop: the timer and step's listeners both run there.
            boolean[] timedOut = {false};
            ScheduledFuture<?> timer = loop.schedule(() -> {
                if (!bounded.isDone()) {
                    // Cancel first, so that whoever sees the timeout also sees the step abandoned.
                    timedOut[0] = true;
                    step.cancel(false);
                    bounded.tryFailure(timeoutFailure.get());
                }
            }, dialTimeout.toNanos(), TimeUnit.NANOSECONDS);
            step.addListener(done -> {
                timer.cancel(false);
                if (done.isSuccess()) {
                    @SuppressWarnings("unchecked")
                    V value = (V) done.getNow();
                    if (!bounded.trySuccess(value)) {
                        owner.discard(value);
                    }
                } else if (!timedOut[0]) {
                    bounded.tryFailure(done.cause());
                }
            });
            return bounded;
        }

        private String describe(Chain chain, int hopIndex, Node node) {
            return "hop " + chain.hops().get(hopIndex).name() + " node " + node.name() + " (" + node.addressText() + ")";
        }
    }

    /** Only closes a channel nobody took; for intermediate steps. */
    private static final Goal<Channel> CLOSE_CHANNEL = new Goal<>() {
        @Override
        public String describe() {
            return "";
        }

        @Override
        public Future<Channel> direct(ChainRouter.RouteDial<Channel> dial) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Channel> atLastHop(Node last, Channel channel, EventLoop loop) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void discard(Channel channel) {
            channel.close();
        }
    };

    /** The channel of a bind or connect, once it completed (a failed one fails the future). */
    private static Future<Channel> channelOf(EventLoop loop, ChannelFuture future) {
        Promise<Channel> channel = loop.newPromise();
        future.addListener(done -> {
            if (done.isSuccess()) {
                channel.trySuccess(future.channel());
            } else {
                future.channel().close();
                channel.tryFailure(done.cause());
            }
        });
        return channel;
    }

    @Override
    public String toString() {
        return "ChainRouter[" + serviceName + ", chain=" + (chains == null ? "none" : chains)
                + ", retries=" + retries + ", dialTimeout=" + RouteFailures.format(dialTimeout) + "]";
    }
}
