package io.gost.api;

/**
 * Decides whether a client's credentials are acceptable. Implementations compare in constant time.
 */
@FunctionalInterface
public interface Authenticator {

    /** True when the pair is accepted. Must not block. */
    boolean authenticate(String username, String password);
}
