package io.gost.plugin.http.testing;

import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link HandlerContext} for tests: the router is a function of the target, the relay is a function
 * of the upstream channel (by default it records the channel and returns a future that never
 * completes), and everything asked for is recorded.
 */
public final class FakeHandlerContext implements HandlerContext {

    private final Function<InetSocketAddress, Future<Channel>> dial;
    private final Function<Channel, Future<RelayResult>> relay;
    private final List<InetSocketAddress> dialedTargets = new CopyOnWriteArrayList<>();
    private final List<Channel> relayedUpstreams = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesFromClient = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();

    public FakeHandlerContext(Function<InetSocketAddress, Future<Channel>> dial,
                              Function<Channel, Future<RelayResult>> relay) {
        this.dial = dial;
        this.relay = relay;
    }

    public FakeHandlerContext(Function<InetSocketAddress, Future<Channel>> dial) {
        this(dial, upstream -> {
            Promise<RelayResult> never = ImmediateEventExecutor.INSTANCE.newPromise();
            return never;
        });
    }

    @Override
    public String serviceName() {
        return "service-0";
    }

    @Override
    public io.gost.api.Transport transport() {
        throw new UnsupportedOperationException("the http handler creates no sockets of its own");
    }

    @Override
    public String sessionId() {
        return "test";
    }

    @Override
    public InetSocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public Router router() {
        return (network, target) -> {
            dialedTargets.add(target);
            return dial.apply(target);
        };
    }

    @Override
    public Optional<Forwarder> forwarder() {
        return Optional.empty();
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        relayedUpstreams.add(upstream);
        return relay.apply(upstream);
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
        bytesFromClient.addAndGet(fromClient);
        bytesToClient.addAndGet(toClient);
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Every target the router was asked for, in order. */
    public List<InetSocketAddress> dialedTargets() {
        return dialedTargets;
    }

    /** Every upstream handed to the relay, in order. */
    public List<Channel> relayedUpstreams() {
        return relayedUpstreams;
    }

    public long bytesFromClient() {
        return bytesFromClient.get();
    }

    public long bytesToClient() {
        return bytesToClient.get();
    }
}
