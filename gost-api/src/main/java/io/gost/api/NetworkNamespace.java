package io.gost.api;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/** An open network namespace, in which socket-creating work can run. */
public interface NetworkNamespace extends AutoCloseable {

    /** The namespace as configured, or empty for the process's own. */
    Optional<NetnsRef> ref();

    /**
     * Runs {@code work} on a thread that is inside this namespace, so the sockets it creates belong to
     * it. Never runs on the caller's thread unless this is the current namespace; never blocks the
     * caller. The stage completes with what {@code work} returned or fails with what it threw.
     */
    <T> CompletionStage<T> createSockets(SocketPurpose purpose, Callable<T> work);

    /** Releases the namespace handle and its thread. Sockets already created stay where they are. */
    @Override
    void close();

    /**
     * The namespace the process is in, where work runs inline on the caller's thread: what a provider's
     * {@link NetnsProvider#current()} returns unless it has something to add (a recording provider records).
     */
    static NetworkNamespace processOwn() {
        return ProcessNamespace.INSTANCE;
    }
}
