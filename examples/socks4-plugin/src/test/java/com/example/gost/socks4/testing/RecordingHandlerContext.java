package com.example.gost.socks4.testing;

import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.gost.api.Transport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link HandlerContext} for handler unit tests on an {@code EmbeddedChannel}: every dial returns a
 * promise the test completes, and the relay only records the upstream it was given.
 */
public final class RecordingHandlerContext implements HandlerContext {

    /** One call of {@code router().dial}. */
    public record Dial(String network, InetSocketAddress target, Promise<Channel> result) {
    }

    private final Channel client;
    private final List<Dial> dials = new ArrayList<>();
    private final List<Channel> relayed = new ArrayList<>();
    private long countedFromClient;
    private long countedToClient;

    public RecordingHandlerContext(Channel client) {
        this.client = client;
    }

    /** The dials asked for so far. */
    public List<Dial> dials() {
        return List.copyOf(dials);
    }

    /** The upstream channels handed to {@link #relay}. */
    public List<Channel> relayed() {
        return List.copyOf(relayed);
    }

    /** Bytes the handler reported through {@link #countBytes}, from the client. */
    public long countedFromClient() {
        return countedFromClient;
    }

    /** Bytes the handler reported through {@link #countBytes}, to the client. */
    public long countedToClient() {
        return countedToClient;
    }

    @Override
    public String serviceName() {
        return "service-0";
    }

    @Override
    public String sessionId() {
        return "test-session";
    }

    @Override
    public InetSocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public Transport transport() {
        throw new UnsupportedOperationException("the socks4 handler opens no sockets of its own");
    }

    @Override
    public Router router() {
        return (network, target) -> {
            Promise<Channel> result = client.eventLoop().newPromise();
            dials.add(new Dial(network, target, result));
            return result;
        };
    }

    @Override
    public Optional<Forwarder> forwarder() {
        return Optional.empty();
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        relayed.add(upstream);
        return client.eventLoop().newSucceededFuture(new RelayResult(0, 0, Duration.ZERO, null));
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
        countedFromClient += fromClient;
        countedToClient += toClient;
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
