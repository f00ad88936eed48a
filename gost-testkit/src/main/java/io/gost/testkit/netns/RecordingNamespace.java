package io.gost.testkit.netns;

import io.gost.api.NetnsException;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A namespace opened by the recording provider: like the Linux one it owns a single platform thread that
 * runs the work, so tests see the same thread hand-off, but the thread enters nothing.
 */
final class RecordingNamespace implements NetworkNamespace {

    private final NetnsRef namespace;
    private final RecordingNetnsProvider provider;
    private final ThreadPoolExecutor thread;
    private final Object lock = new Object();
    private boolean closed; // guarded by lock

    RecordingNamespace(NetnsRef namespace, RecordingNetnsProvider provider) {
        this.namespace = namespace;
        this.provider = provider;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), work -> {
            Thread platformThread = new Thread(work, "gost-netns-" + namespace.value());
            platformThread.setDaemon(true);
            return platformThread;
        });
    }

    @Override
    public Optional<NetnsRef> ref() {
        return Optional.of(namespace);
    }

    @Override
    public <T> CompletionStage<T> createSockets(SocketPurpose purpose, Callable<T> work) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(work, "work");
        Task<T> task = new Task<>(purpose, work);
        synchronized (lock) {
            if (!closed) {
                thread.execute(task);
                return task.result;
            }
        }
        task.result.completeExceptionally(closedBefore(purpose));
        return task.result;
    }

    /** Ends the thread after the work it is running; work still queued fails. Idempotent. */
    @Override
    public void close() {
        List<Runnable> pending = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            // Not shutdownNow(): interrupting a running bind would close its NIO channel.
            thread.getQueue().drainTo(pending);
            thread.shutdown();
        }
        for (Runnable task : pending) {
            Task<?> unrun = (Task<?>) task;
            unrun.result.completeExceptionally(closedBefore(unrun.purpose));
        }
        provider.closed(namespace);
    }

    private NetnsException closedBefore(SocketPurpose purpose) {
        return new NetnsException("network namespace '" + namespace + "' was closed; the " + purpose.kind()
                + " socket of " + purpose.owner() + " (" + purpose.address() + ") was not created");
    }

    @Override
    public String toString() {
        return "recording network namespace '" + namespace + "'";
    }

    private final class Task<T> implements Runnable {
        final SocketPurpose purpose;
        final Callable<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Task(SocketPurpose purpose, Callable<T> work) {
            this.purpose = purpose;
            this.work = work;
        }

        @Override
        public void run() {
            provider.record(new SocketRecord(namespace, purpose, Thread.currentThread().getName()));
            try {
                result.complete(work.call());
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        }
    }
}
