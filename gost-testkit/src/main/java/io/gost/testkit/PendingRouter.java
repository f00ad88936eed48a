package io.gost.testkit;

import io.gost.api.Router;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A router whose dials wait for the test: each returns a promise that the test completes with an upstream
 * channel (an {@code EmbeddedChannel}, say) or fails with a {@link io.gost.api.RouteException}, so a
 * handler's answer to every outcome can be checked step by step without sockets or timing.
 *
 * <pre>{@code
 * EmbeddedChannel client = new EmbeddedChannel();
 * PendingRouter router = new PendingRouter(client.eventLoop());
 * TestHandlerContext context = TestHandlerContext.builder().client(client).router(router).build();
 * handler.handle(client, context);
 * client.writeInbound(request);
 * router.dials().get(0).result().setSuccess(upstream);
 * }</pre>
 */
public final class PendingRouter implements Router {

    /** One call of {@link #dial}: what was asked, and the promise the test completes. */
    public record Dial(String network, InetSocketAddress target, Promise<Channel> result) {
    }

    private final EventExecutor executor;
    private final List<Dial> dials = new CopyOnWriteArrayList<>();

    /** Makes each dial's promise on {@code executor} (the client channel's event loop, so listeners run there). */
    public PendingRouter(EventExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public Future<Channel> dial(String network, InetSocketAddress target) {
        Promise<Channel> result = executor.newPromise();
        dials.add(new Dial(network, target, result));
        return result;
    }

    /** The dials asked for so far, in order. */
    public List<Dial> dials() {
        return List.copyOf(dials);
    }
}
