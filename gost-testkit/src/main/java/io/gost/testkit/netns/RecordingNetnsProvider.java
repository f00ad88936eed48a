package io.gost.testkit.netns;

import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * NetnsProvider {@code recording}: for tests that need no root. It enters no namespace; it records which
 * namespace every socket would have been created in, so that a test can run the whole composition (services,
 * chains, hops) and assert GOST's placement rules.
 *
 * <p>Like the {@code linux} provider, each opened namespace gets one platform thread, named
 * {@code gost-netns-<namespace>}, that runs the work; {@link #current()} runs it inline. A
 * {@link SocketRecord} is added, in order, just before each piece of work runs, on the thread that runs
 * it. Thread-safe.
 *
 * <p>This is the one plugin that exports its package: tests use this class directly to read the records.
 * Its priority is below {@code linux}, so it is chosen only when asked for ({@code netns.provider:
 * recording} or {@code -Dgost.netns.provider=recording}) or when it is the only provider present.
 */
public final class RecordingNetnsProvider implements NetnsProvider {

    /** The name this provider is selected by. */
    public static final String NAME = "recording";

    /** Below the {@code linux} provider's 0. */
    public static final int PRIORITY = -100;

    private final Object lock = new Object();
    private final List<SocketRecord> records = new ArrayList<>(); // guarded by lock
    private final Map<NetnsRef, Integer> openHandles = new HashMap<>(); // guarded by lock
    private final Map<NetnsRef, String> openFailures = new HashMap<>(); // guarded by lock
    private final NetworkNamespace current = new CurrentNamespace();

    /** For ServiceLoader and tests; starts no thread. */
    public RecordingNetnsProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Opens a recording namespace with its own thread, or throws the message given to
     * {@link #failOpen} for {@code namespace}.
     */
    @Override
    public NetworkNamespace open(NetnsRef namespace) throws NetnsException {
        Objects.requireNonNull(namespace, "namespace");
        synchronized (lock) {
            String failure = openFailures.get(namespace);
            if (failure != null) {
                throw new NetnsException(failure);
            }
            openHandles.merge(namespace, 1, Integer::sum);
        }
        return new RecordingNamespace(namespace, this);
    }

    /** The process's own namespace: work runs inline on the caller's thread and is recorded with a null namespace. */
    @Override
    public NetworkNamespace current() {
        return current;
    }

    /** Every piece of work run so far, in the order it ran. */
    public List<SocketRecord> records() {
        synchronized (lock) {
            return List.copyOf(records);
        }
    }

    /** The records of one kind of socket, in the order the work ran. */
    public List<SocketRecord> recordsFor(SocketPurpose.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        synchronized (lock) {
            return records.stream().filter(record -> record.purpose().kind() == kind).toList();
        }
    }

    /** Forgets the records; open handles and {@link #failOpen} settings stay. */
    public void clear() {
        synchronized (lock) {
            records.clear();
        }
    }

    /** The namespaces with at least one handle not yet closed; empty when everything was released. */
    public Set<NetnsRef> openNamespaces() {
        synchronized (lock) {
            return Set.copyOf(openHandles.keySet());
        }
    }

    /**
     * Makes every later {@code open(namespace)} fail with {@code message}, e.g. to simulate a namespace
     * that does not exist.
     */
    public void failOpen(NetnsRef namespace, String message) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(message, "message");
        synchronized (lock) {
            openFailures.put(namespace, message);
        }
    }

    /** Undoes {@link #failOpen} for {@code namespace}. */
    public void allowOpen(NetnsRef namespace) {
        synchronized (lock) {
            openFailures.remove(namespace);
        }
    }

    @Override
    public String toString() {
        return "NetnsProvider " + NAME;
    }

    void record(SocketRecord record) {
        synchronized (lock) {
            records.add(record);
        }
    }

    void closed(NetnsRef namespace) {
        synchronized (lock) {
            openHandles.computeIfPresent(namespace, (ref, count) -> count == 1 ? null : count - 1);
        }
    }

    /** Runs work inline and records it with no namespace. */
    private final class CurrentNamespace implements NetworkNamespace {

        @Override
        public Optional<NetnsRef> ref() {
            return Optional.empty();
        }

        @Override
        public <T> CompletionStage<T> createSockets(SocketPurpose purpose, Callable<T> work) {
            Objects.requireNonNull(purpose, "purpose");
            Objects.requireNonNull(work, "work");
            record(new SocketRecord(null, purpose, Thread.currentThread().getName()));
            return NetworkNamespace.processOwn().createSockets(purpose, work);
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "recording current network namespace";
        }
    }
}
