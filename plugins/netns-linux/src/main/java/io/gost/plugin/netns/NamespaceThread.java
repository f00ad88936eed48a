package io.gost.plugin.netns;

import io.gost.api.NetnsException;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open network namespace: one dedicated platform thread that entered the namespace once with
 * {@code setns(2)} and then runs socket-creating work from a queue.
 *
 * <p>Why a thread of its own: {@code setns(CLONE_NEWNET)} moves only the calling thread, and every socket
 * that thread creates afterwards belongs to the namespace. A pooled thread, an event loop or a virtual
 * thread (which hops between carrier threads) could carry the namespace into unrelated work, or lose it.
 * This thread never leaves the namespace: it dies in it when the handle is closed, so no thread ever goes
 * back into a pool in a foreign namespace.
 */
final class NamespaceThread implements NetworkNamespace {

    private static final Logger log = LoggerFactory.getLogger(NamespaceThread.class);

    private final NetnsRef namespace;
    private final NamespaceSyscalls syscalls;
    private final Thread thread;
    private final CompletableFuture<Void> entered = new CompletableFuture<>();

    private final Object lock = new Object();
    private final ArrayDeque<Task<?>> tasks = new ArrayDeque<>(); // guarded by lock
    private boolean closed; // guarded by lock

    private NamespaceThread(NetnsRef namespace, NamespaceSyscalls syscalls) {
        this.namespace = namespace;
        this.syscalls = syscalls;
        this.thread = new Thread(this::run, threadName(namespace));
        // A handle the runtime forgot to close must not keep the JVM alive.
        this.thread.setDaemon(true);
    }

    static String threadName(NetnsRef namespace) {
        return "gost-netns-" + namespace.value();
    }

    /**
     * Starts the thread and waits until it is inside the namespace, so that a missing namespace or a
     * missing permission is reported by {@code open}, not by the first socket.
     */
    static NamespaceThread open(NetnsRef namespace, NamespaceSyscalls syscalls) throws NetnsException {
        NamespaceThread opened = new NamespaceThread(namespace, syscalls);
        opened.thread.start();
        try {
            opened.entered.get();
            return opened;
        } catch (ExecutionException e) {
            // Thrown anew so that the stack trace shows the caller of open, not the namespace thread.
            Throwable failure = e.getCause();
            throw failure instanceof NetnsException
                    ? new NetnsException(failure.getMessage(), failure.getCause())
                    : new NetnsException("cannot enter network namespace '" + namespace + "': " + failure, failure);
        } catch (InterruptedException e) {
            opened.close();
            Thread.currentThread().interrupt();
            throw new NetnsException("interrupted while entering network namespace '" + namespace + "'", e);
        }
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
                tasks.add(task);
                lock.notifyAll();
                return task.result;
            }
        }
        task.result.completeExceptionally(closedBefore(purpose));
        return task.result;
    }

    /** Ends the thread (inside the namespace) and closes the namespace file; pending work fails. */
    @Override
    public void close() {
        List<Task<?>> pending;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            pending = new ArrayList<>(tasks);
            tasks.clear();
            lock.notifyAll();
        }
        log.debug("closing network namespace '{}'", namespace);
        failAll(pending);
    }

    /** The dedicated thread; for tests. */
    Thread thread() {
        return thread;
    }

    private void run() {
        int fd;
        try {
            fd = syscalls.openNamespaceFile(namespace.path().toString());
        } catch (SyscallException e) {
            abandon(NetnsErrors.enterFailed(namespace, e));
            return;
        } catch (RuntimeException | Error e) {
            abandon(e);
            return;
        }
        try {
            syscalls.enterNetworkNamespace(fd);
        } catch (SyscallException e) {
            closeNamespaceFile(fd);
            abandon(NetnsErrors.enterFailed(namespace, e));
            return;
        } catch (RuntimeException | Error e) {
            closeNamespaceFile(fd);
            abandon(e);
            return;
        }
        log.debug("entered network namespace '{}' ({}) on thread {}", namespace, namespace.path(), thread.getName());
        entered.complete(null);
        try {
            serve();
        } finally {
            closeNamespaceFile(fd);
            close();
            log.debug("left network namespace '{}': thread {} ends inside it", namespace, thread.getName());
        }
    }

    private void serve() {
        while (true) {
            Task<?> next;
            synchronized (lock) {
                while (tasks.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // Nobody but close() has a reason to stop this thread; treat it as close.
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                next = tasks.poll();
            }
            next.run();
        }
    }

    private void abandon(Throwable failure) {
        synchronized (lock) {
            closed = true;
        }
        entered.completeExceptionally(failure);
    }

    private void closeNamespaceFile(int fd) {
        try {
            syscalls.close(fd);
        } catch (SyscallException | RuntimeException e) {
            log.warn("closing the file of network namespace '{}' ({}) failed: {}", namespace, namespace.path(),
                    e.getMessage());
        }
    }

    private void failAll(List<Task<?>> pending) {
        for (Task<?> task : pending) {
            task.result.completeExceptionally(closedBefore(task.purpose));
        }
    }

    private NetnsException closedBefore(SocketPurpose purpose) {
        return new NetnsException("network namespace '" + namespace + "' was closed; the " + purpose.kind()
                + " socket of " + purpose.owner() + " (" + purpose.address() + ") was not created");
    }

    /** One piece of socket-creating work and the stage its caller holds. */
    private static final class Task<T> {
        final SocketPurpose purpose;
        final Callable<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Task(SocketPurpose purpose, Callable<T> work) {
            this.purpose = purpose;
            this.work = work;
        }

        void run() {
            try {
                result.complete(work.call());
            } catch (Throwable failure) {
                // Caught whole, so that one failing bind cannot end the thread that serves the others.
                result.completeExceptionally(failure);
            }
        }
    }
}
