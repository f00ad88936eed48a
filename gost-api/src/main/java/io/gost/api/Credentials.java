package io.gost.api;

import java.util.Objects;

/**
 * A user name and password, as given in {@code user:pass@} or an {@code auth} block.
 *
 * <p>{@link #toString()} never shows the password, so credentials can be logged by accident safely.
 */
public record Credentials(String username, String password) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=***]";
    }
}
