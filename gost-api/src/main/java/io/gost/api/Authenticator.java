package io.gost.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client's credentials are acceptable. Implementations compare in constant time.
 *
 * <p>Handlers should ask {@link #requiredFor} first (a service may let some client addresses in without
 * credentials, GOST's {@code skipauth}) and then check credentials with
 * {@link #authenticate(String, String, InetSocketAddress)}, whose answer may come later (an auther that asks an
 * HTTP service); {@link #authenticate(String, String)} answers at once from what is known locally.
 */
@FunctionalInterface
public interface Authenticator {

    /** True when the pair is accepted. Must not block. */
    boolean authenticate(String username, String password);

    /**
     * Checks the pair for {@code client}; the answer may complete later, on any thread (a handler hops back to
     * its event loop before acting on it). Never fails: a check that cannot be made answers false. Unless
     * overridden, {@link #authenticate(String, String)} answered at once.
     */
    default CompletionStage<Boolean> authenticate(String username, String password, InetSocketAddress client) {
        try {
            return CompletableFuture.completedFuture(authenticate(username, password));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
    }

    /**
     * GOST's client id of a user whose credentials were just accepted: what an auth plugin answered as its
     * {@code id}, else the user name. Handlers tell it to {@link HandlerContext#authenticated}. Unless overridden,
     * the user name.
     */
    default String clientId(String username) {
        return username;
    }

    /**
     * False when {@code client} is let in without credentials (the service's {@code skipauth} addresses): the
     * handler then asks for none. Unless overridden, true.
     */
    default boolean requiredFor(InetSocketAddress client) {
        return true;
    }
}
