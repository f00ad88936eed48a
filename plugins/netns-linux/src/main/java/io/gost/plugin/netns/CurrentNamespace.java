package io.gost.plugin.netns;

import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The namespace the process already is in: work runs inline on the caller's thread. Stateless. */
final class CurrentNamespace implements NetworkNamespace {

    static final CurrentNamespace INSTANCE = new CurrentNamespace();

    private CurrentNamespace() {
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
        return "current network namespace";
    }
}
