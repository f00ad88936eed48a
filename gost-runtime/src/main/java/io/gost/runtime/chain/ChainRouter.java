package io.gost.runtime.chain;

import io.gost.api.Connector;
import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.api.NetnsRef;
import io.gost.api.RouteException;
import io.gost.api.Router;
import io.gost.api.SocketPurpose;
import io.gost.api.Transport;
import io.gost.runtime.bypass.Bypass;
import io.gost.runtime.relay.Relay;
import io.netty.channel.Channel;
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
 * <p>Thread-safe and shared by all connections of the service.
 */
public final class ChainRouter {

    private final Chain chain;
    private final NetnsRef outNamespace;
    private final int retries;
    private final Duration dialTimeout;
    private final Transport transport;
    private final SocketPlacement placement;
    private final Dialer directDialer;
    private final String serviceName;
    private final Bypass bypass;
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
                       SocketPlacement placement, Dialer directDialer, String serviceName, Bypass bypass) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
        }
        this.chain = chain;
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
        this.bypass = bypass;
    }

    /** Sets what hears of routes through the chain (the metrics). */
    public void observe(RouteObserver observer) {
        this.observer = observer == null ? RouteObserver.NONE : observer;
    }

    /** The chain, or {@code null} when targets are dialed directly. */
    public Chain chain() {
        return chain;
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
     * @param network   {@code "tcp"}, passed to the last connector
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
        if (bypass != null && bypass.forbids(target)) {
            return loop.newFailedFuture(notAllowed(Node.formatAddress(target)));
        }
        Promise<Channel> result = loop.newPromise();
        new RouteDial(loop, network, target, clientKey, result).attempt(attempts, null);
        return result;
    }

    private RouteException notAllowed(String target) {
        return new RouteException(RouteException.Reason.NOT_ALLOWED, "target " + target
                + " is forbidden by bypass '" + bypass.name() + "' of service " + serviceName);
    }

    /** The state of one {@link #dial}: its parameters and where its attempts stand. */
    private final class RouteDial implements DialContext {

        private final EventLoop loop;
        private final String network;
        private final InetSocketAddress target;
        private final String clientKey;
        private final Promise<Channel> result;
        /** When the current attempt began dialing its first node. */
        private long firstNodeStart;

        RouteDial(EventLoop loop, String network, InetSocketAddress target, String clientKey,
                  Promise<Channel> result) {
            this.loop = loop;
            this.network = network;
            this.target = target;
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
            List<Node> route = chain == null ? List.of() : chain.route(clientKey);
            Promise<Channel> attempt = loop.newPromise();
            if (route.isEmpty()) {
                dialDirect(attempt);
            } else {
                dialFirstNode(route, attempt);
            }
            attempt.addListener(done -> {
                if (done.isSuccess()) {
                    Channel channel = (Channel) done.getNow();
                    // What the upstream sends (or its FIN) before the handler starts a relay is kept.
                    if (channel.pipeline().get(Relay.HOLD_HANDLER_NAME) == null) {
                        Relay.holdInbound(channel);
                    }
                    if (!result.trySuccess(channel)) {
                        channel.close();
                    }
                } else {
                    RouteException failure = (RouteException) done.cause();
                    // A forbidden target stays forbidden: no retry.
                    attempt(failure.reason() == RouteException.Reason.NOT_ALLOWED ? 0 : attemptsLeft - 1, failure);
                }
            });
        }

        private void dialDirect(Promise<Channel> attempt) {
            String targetText = Node.formatAddress(target);
            SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET, serviceName, targetText);
            dialSocket(directDialer, target, outNamespace, purpose).addListener(dialed -> {
                if (dialed.isSuccess()) {
                    Channel channel = (Channel) dialed.getNow();
                    if (resolvesToForbiddenAddress(channel)) {
                        channel.close();
                        attempt.tryFailure(notAllowed(targetText + " (" + Node.formatAddress(
                                (InetSocketAddress) channel.remoteAddress()) + ")"));
                        return;
                    }
                    attempt.trySuccess(channel);
                } else {
                    String from = outNamespace == null ? "" : "from network namespace " + outNamespace;
                    attempt.tryFailure(RouteFailures.failure("target " + targetText, from, dialed.cause(),
                            dialTimeout));
                }
            });
        }

        /**
         * True when a plain bypass forbids the address a name resolved to. A whitelist allows what the client
         * asked for by name, so the address is not checked against it.
         */
        private boolean resolvesToForbiddenAddress(Channel channel) {
            return bypass != null && !bypass.isWhitelist() && target.isUnresolved()
                    && channel.remoteAddress() instanceof InetSocketAddress remote && !remote.isUnresolved()
                    && bypass.forbids(remote);
        }

        private void dialFirstNode(List<Node> route, Promise<Channel> attempt) {
            Node first = route.get(0);
            firstNodeStart = System.nanoTime();
            Dialer dialer = first.dialer() != null ? first.dialer() : directDialer;
            SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.DIAL_NODE, first.name(), first.addressText());
            dialSocket(dialer, first.address(), first.netns(), purpose).addListener(dialed -> {
                if (!dialed.isSuccess()) {
                    first.marker().mark();
                    observer.failed(chain.name(), first.name());
                    attempt.tryFailure(RouteFailures.failure(describe(0, first),
                            "while reaching " + Node.formatAddress(target), dialed.cause(), dialTimeout));
                    return;
                }
                first.marker().reset();
                connectThrough(route, 1, (Channel) dialed.getNow(), attempt);
            });
        }

        /**
         * Asks node {@code index - 1} to connect to node {@code index}, or to the target when
         * {@code index} is past the last node.
         */
        private void connectThrough(List<Node> route, int index, Channel channel, Promise<Channel> attempt) {
            Node via = route.get(index - 1);
            boolean last = index == route.size();
            Node next = last ? null : route.get(index);
            InetSocketAddress address = last ? target : next.address();
            Future<Channel> connected = connect(via, channel, last ? network : "tcp", address);
            connected.addListener(done -> {
                if (index == 1 && done.isSuccess()) {
                    observer.connected(chain.name(), via.name(), System.nanoTime() - firstNodeStart);
                }
                if (!done.isSuccess()) {
                    observer.failed(chain.name(), via.name());
                    channel.close();
                    if (next != null) {
                        next.marker().mark();
                    }
                    attempt.tryFailure(RouteFailures.failure(describe(index - 1, via),
                            "while asking for " + Node.formatAddress(address), done.cause(), dialTimeout));
                    return;
                }
                Channel tunnel = (Channel) done.getNow();
                if (last) {
                    attempt.trySuccess(tunnel);
                } else {
                    next.marker().reset();
                    connectThrough(route, index + 1, tunnel, attempt);
                }
            });
        }

        private Future<Channel> connect(Node via, Channel channel, String network, InetSocketAddress address) {
            Connector connector = via.connector();
            if (connector == null) {
                return loop.newFailedFuture(new IllegalStateException("has no connector to speak through it"));
            }
            Future<Channel> connected;
            try {
                connected = connector.connect(channel, network, address, dialTimeout);
            } catch (RuntimeException e) {
                connected = loop.newFailedFuture(e);
            }
            return bounded(connected, () -> new TimeoutException("no answer to the handshake within "
                    + RouteFailures.format(dialTimeout)));
        }

        /** Creates a socket with {@code dialer} inside {@code namespace} and connects it. */
        private Future<Channel> dialSocket(Dialer dialer, InetSocketAddress address, NetnsRef namespace,
                                           SocketPurpose purpose) {
            Future<Channel> dialed = placement.place(namespace, purpose, loop, () -> dialer.dial(address, this));
            return bounded(dialed, () -> new ConnectTimeoutException("connection timed out after "
                    + RouteFailures.format(dialTimeout) + ": " + Node.formatAddress(address)));
        }

        /**
         * Fails {@code step} after the dial timeout even if its plugin forgets to, and closes a channel that
         * arrives too late.
         */
        private Future<Channel> bounded(Future<Channel> step, Supplier<Exception> timeoutFailure) {
            if (step.isDone()) {
                return step;
            }
            Promise<Channel> bounded = loop.newPromise();
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
                    Channel channel = (Channel) done.getNow();
                    if (!bounded.trySuccess(channel)) {
                        channel.close();
                    }
                } else if (!timedOut[0]) {
                    bounded.tryFailure(done.cause());
                }
            });
            return bounded;
        }

        private String describe(int hopIndex, Node node) {
            return "hop " + chain.hops().get(hopIndex).name() + " node " + node.name() + " (" + node.addressText() + ")";
        }
    }

    @Override
    public String toString() {
        return "ChainRouter[" + serviceName + ", chain=" + (chain == null ? "none" : chain.name())
                + ", retries=" + retries + ", dialTimeout=" + RouteFailures.format(dialTimeout) + "]";
    }
}
