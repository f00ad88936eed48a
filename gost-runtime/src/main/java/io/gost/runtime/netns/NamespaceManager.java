package io.gost.runtime.netns;

import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import io.gost.runtime.chain.SocketPlacement;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Places socket creation in network namespaces through the selected {@link NetnsProvider}.
 *
 * <p>Namespaces are opened when a service that uses them starts ({@link #acquire}), so a missing
 * namespace fails start-up rather than the first connection, and closed when the last user releases
 * them. Socket creation without a namespace also goes through the provider's {@code current()}, so a
 * recording provider sees every socket.
 */
public final class NamespaceManager implements SocketPlacement, AutoCloseable {

    private final NetnsProvider provider;
    private final NetworkNamespace current;
    private final Map<NetnsRef, Opened> opened = new HashMap<>();

    public NamespaceManager(NetnsProvider provider) {
        this.provider = provider;
        this.current = provider.current();
    }

    /** The provider in use. */
    public NetnsProvider provider() {
        return provider;
    }

    /**
     * Opens {@code namespace} for a user, or counts one more user of an already open one.
     *
     * @throws NetnsException as the provider reports it (missing, not permitted, unsupported)
     */
    public synchronized void acquire(NetnsRef namespace) throws NetnsException {
        Opened entry = opened.get(namespace);
        if (entry == null) {
            entry = new Opened(provider.open(namespace));
            opened.put(namespace, entry);
        }
        entry.users++;
    }

    /** One user fewer; the namespace handle is closed with the last one. */
    public synchronized void release(NetnsRef namespace) {
        Opened entry = opened.get(namespace);
        if (entry != null && --entry.users == 0) {
            opened.remove(namespace);
            entry.namespace.close();
        }
    }

    @Override
    public <T> Future<T> place(NetnsRef namespace, SocketPurpose purpose, EventExecutor executor,
                               Supplier<Future<T>> work) {
        NetworkNamespace target;
        if (namespace == null) {
            target = current;
        } else {
            synchronized (this) {
                Opened entry = opened.get(namespace);
                if (entry == null) {
                    return executor.newFailedFuture(new IllegalStateException(
                            "network namespace '" + namespace + "' is not open (it was released or never acquired)"));
                }
                target = entry.namespace;
            }
        }
        Promise<T> promise = executor.newPromise();
        target.createSockets(purpose, work::get).whenComplete((future, error) -> {
            if (error != null) {
                promise.tryFailure(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            } else {
                // Abandoning the placed work (a dial timeout) abandons the dial itself.
                promise.addListener(placed -> {
                    if (placed.isCancelled()) {
                        future.cancel(false);
                    }
                });
                future.addListener(done -> {
                    if (done.isSuccess()) {
                        promise.trySuccess(future.getNow());
                    } else {
                        promise.tryFailure(done.cause());
                    }
                });
            }
        });
        return promise;
    }

    /** Closes every namespace still open. */
    @Override
    public synchronized void close() {
        opened.values().forEach(entry -> entry.namespace.close());
        opened.clear();
    }

    private static final class Opened {
        final NetworkNamespace namespace;
        int users;

        Opened(NetworkNamespace namespace) {
            this.namespace = namespace;
        }
    }
}
