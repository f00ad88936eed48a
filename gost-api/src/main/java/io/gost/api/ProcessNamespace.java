package io.gost.api;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The namespace the process is in: work runs inline on the caller's thread. Stateless; see {@link NetworkNamespace#processOwn()}. */
final class ProcessNamespace implements NetworkNamespace {

    static final ProcessNamespace INSTANCE = new ProcessNamespace();

    private ProcessNamespace() {
    }

    @Override
    public Optional<NetnsRef> ref() {
        return Optional.empty();
    }

    @Override
    public <T> CompletionStage<T> createSockets(SocketPurpose purpose, Callable<T> work) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(work, "work");
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Nothing to release. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "the process's own network namespace";
    }
}
