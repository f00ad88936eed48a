package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * What the runtime offers a handler for one accepted connection. One instance per connection; its
 * methods are called on the client channel's event loop.
 */
public interface HandlerContext {

    /** The service that accepted the connection. */
    String serviceName();

    /** A short id for this connection, used in every log line about it (GOST's {@code sid}). */
    String sessionId();

    /** The client's address. */
    InetSocketAddress clientAddress();

    /** The runtime's shared transport, e.g. for a UDP relay socket (create it with {@link #createClientSideSocket}). */
    Transport transport();

    /**
     * Reaches {@code target} through the service's chain, or directly when it has none (in the
     * namespace of {@code netns.out}, if set), with the service's retries and dial timeout. The
     * returned channel is registered on the client's event loop, active, with auto-read off. A failure
     * is a {@link RouteException} saying why.
     */
    Router router();

    /**
     * For forwarding handlers: the service's {@code forwarder} hop, which selects a node, dials it
     * through {@link #router()} and marks it failed when it cannot be reached. Empty when the service
     * has no forwarder.
     */
    Optional<Forwarder> forwarder();

    /**
     * True when this service reaches targets through a chain of proxies. A handler that can only reach
     * targets directly (a SOCKS5 UDP relay or BIND before those cross chains) must refuse rather than go
     * around the chain the user asked for.
     */
    default boolean routesThroughChain() {
        return false;
    }

    /**
     * Relays bytes both ways between the client and {@code upstream} until both directions are done,
     * with backpressure and half-close, and closes both channels at the end. The relay's handlers are in
     * both pipelines when this method returns, so a handler may re-fire events (e.g. a client half-close it
     * saw during its handshake) right after calling it. Must be called on the client's event loop. The
     * future completes with the byte counts; it never fails.
     */
    Future<RelayResult> relay(Channel upstream);

    /**
     * Adds bytes a handler moved itself (outside {@link #relay}) to this connection's counters, so the
     * connection log and metrics stay true. {@code fromClient} counts bytes read from the client.
     */
    void countBytes(long fromClient, long toClient);

    /**
     * Runs socket-creating {@code work} in the service's own network namespace ({@code netns}), e.g.
     * for a UDP relay socket facing the client; inline when the service has no namespace.
     */
    <T> CompletionStage<T> createClientSideSocket(Callable<T> work);
}
