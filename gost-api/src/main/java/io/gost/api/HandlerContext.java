package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the runtime offers a handler for one accepted connection. One instance per connection; its
 * methods are called on the client channel's event loop.
 *
 * <p>The runtime implements every method. The defaults are for stand-ins (a test double, a tool) that
 * offer only part of a context: values a handler merely logs have neutral defaults, optional parts are
 * absent, and what cannot be faked ({@link #transport()}, {@link #relay}, dialing through
 * {@link #router()}) fails saying that this context does not offer it. A stand-in overrides what the
 * handler under test uses.
 */
public interface HandlerContext {

    /** The service that accepted the connection; {@code "unnamed"} unless overridden. */
    default String serviceName() {
        return "unnamed";
    }

    /**
     * A short id for this connection, used in every log line about it (GOST's {@code sid}); {@code "-"}
     * unless overridden.
     */
    default String sessionId() {
        return "-";
    }

    /**
     * The client's address. Unless overridden, the unresolved {@code unknown:0}, which is what the runtime
     * reports for a client without an IP address.
     */
    default InetSocketAddress clientAddress() {
        return InetSocketAddress.createUnresolved("unknown", 0);
    }

    /**
     * The runtime's shared transport, e.g. for a UDP relay socket (create it with {@link #createClientSideSocket}).
     * Unless overridden, throws {@link UnsupportedOperationException}.
     */
    default Transport transport() {
        throw new UnsupportedOperationException(getClass().getName() + " offers no transport");
    }

    /**
     * Reaches {@code target} through the service's chain, or directly when it has none (in the
     * namespace of {@code netns.out}, if set), with the service's retries and dial timeout. The
     * returned channel is registered on the client's event loop, active, with auto-read off. A failure
     * is a {@link RouteException} saying why. Unless overridden, every dial fails with a
     * {@link RouteException} ({@link RouteException.Reason#GENERAL}) saying that this context has no router.
     */
    default Router router() {
        return (network, target) -> ImmediateEventExecutor.INSTANCE.newFailedFuture(new RouteException(
                RouteException.Reason.GENERAL, getClass().getName() + " has no router; cannot reach " + target));
    }

    /**
     * For forwarding handlers: the service's {@code forwarder} hop, which selects a node, dials it
     * through {@link #router()} and marks it failed when it cannot be reached. Empty when the service
     * has no forwarder (and unless overridden).
     */
    default Optional<Forwarder> forwarder() {
        return Optional.empty();
    }

    /**
     * True when this service reaches targets through a chain of proxies. A handler that can only reach
     * targets directly must refuse rather than go around the chain the user asked for; datagrams
     * ({@link Router#associate}, {@code dial("udp", ...)}) and binds ({@link Router#bind}) do cross chains.
     */
    default boolean routesThroughChain() {
        return false;
    }

    /**
     * Tells the runtime who the client is once the handler accepted its credentials: the user name, GOST's client
     * id. Call it before reaching the client's target through {@link #router()}: a handler's own traffic limiter
     * (GOST's {@code handler.limiter}) paces each client by what a limiter plugin answers for that id, asked at the
     * connection's first target (clients that gave no credentials are asked about as ""). Unless overridden, does
     * nothing.
     */
    default void authenticated(String clientId) {
    }

    /**
     * Relays bytes both ways between the client and {@code upstream} until both directions are done,
     * with backpressure and half-close, and closes both channels at the end. The relay's handlers are in
     * both pipelines when this method returns, so a handler may re-fire events (e.g. a client half-close it
     * saw during its handshake) right after calling it. Must be called on the client's event loop. The
     * future completes with the byte counts; it never fails. Unless overridden, throws
     * {@link UnsupportedOperationException}.
     */
    default Future<RelayResult> relay(Channel upstream) {
        throw new UnsupportedOperationException(getClass().getName() + " offers no relay");
    }

    /**
     * Relays datagrams both ways between the client and {@code upstream}, both datagram channels (see
     * {@link io.gost.api.datagram}): each packet goes on unchanged, so a client's destination reaches an
     * association and a target's source reaches a client that wants it. A datagram the other side cannot take
     * (not writable) is dropped, never queued. Ends, closing both, when either closes (a session idle for its
     * {@code ttl}, an upstream whose target answered "port unreachable"). Byte counts go to the connection's log
     * line. Must be called on the client's event loop; the future never fails. Unless overridden, throws
     * {@link UnsupportedOperationException}.
     */
    default Future<RelayResult> relayDatagrams(Channel upstream) {
        throw new UnsupportedOperationException(getClass().getName() + " offers no datagram relay");
    }

    /**
     * Adds bytes a handler moved itself (outside {@link #relay}) to this connection's counters, so the
     * connection log and metrics stay true. {@code fromClient} counts bytes read from the client. Unless
     * overridden, does nothing.
     */
    default void countBytes(long fromClient, long toClient) {
    }

    /**
     * Runs socket-creating {@code work} in the service's own network namespace ({@code netns}), e.g.
     * for a UDP relay socket facing the client; inline when the service has no namespace. Unless
     * overridden, runs it inline.
     */
    default <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Records why this connection failed when the handler itself saw it (a request it refused, an upstream that
     * broke off in the middle of a response), so that the connection's log line names it as its error, as it
     * does for failed dials and relays. The runtime keeps the first error of a connection. The default does
     * nothing, for contexts that keep no log line.
     */
    default void recordError(Throwable error) {
    }

    /**
     * Asks whether the client's next request may go ahead: the service's connection limit (decided when the
     * connection was accepted, before anything was read) and its request-rate limit. A handler whose factory
     * says it {@link HandlerFactory#answersRefusals() answers refusals} calls this before acting on each request
     * (each HTTP request, the one SOCKS5 or relay request of a connection), and on a refusal answers it in its
     * protocol (see {@link Refusal}) and closes the connection; the runtime has logged it. Empty when the request
     * may go ahead (and unless overridden).
     */
    default java.util.Optional<Refusal> admitRequest() {
        return java.util.Optional.empty();
    }

    /**
     * Why the handler may not open sockets of its own toward targets for this connection (a SOCKS5 UDP relay, a
     * BIND port): the service has controls the runtime applies only to what it dials through {@link #router()}
     * (a bypass, a traffic limit, hosts or a resolver, an outgoing interface or socket mark), and such sockets
     * would go around them. A handler then refuses that request in its protocol (SOCKS5: 0x02) and logs the
     * reason, rather than relay what the user meant to restrict. Empty when nothing would be gone around (and
     * unless overridden).
     */
    default java.util.Optional<String> ownSocketsRefusal() {
        return java.util.Optional.empty();
    }
}
