package io.gost.testkit;

import io.gost.api.Authenticator;
import io.gost.api.Credentials;
import io.gost.api.PluginContext;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link PluginContext} made of its parts, for plugins under test: the owner's name, the authenticator a
 * handler checks its clients with, and the credentials a connector gives its hop. It offers no other
 * plugin's handler ({@link PluginContext#handlerFactory} is empty).
 */
public record TestPluginContext(String ownerName, Optional<Authenticator> authenticator,
                                Optional<Credentials> credentials) implements PluginContext {

    public TestPluginContext {
        Objects.requireNonNull(ownerName, "ownerName");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** A handler's context whose authenticator accepts exactly {@code username} with {@code password}. */
    public static TestPluginContext acceptingUser(String ownerName, String username, String password) {
        Authenticator authenticator = (user, pass) -> user.equals(username) && pass.equals(password);
        return authenticating(ownerName, Optional.of(authenticator));
    }

    /** A handler's context with {@code authenticator}, or with none (clients need not authenticate). */
    public static TestPluginContext authenticating(String ownerName, Optional<Authenticator> authenticator) {
        return new TestPluginContext(ownerName, authenticator, Optional.empty());
    }

    /** A connector's context with {@code credentials} for its hop, or with none. */
    public static TestPluginContext withCredentials(String ownerName, Optional<Credentials> credentials) {
        return new TestPluginContext(ownerName, Optional.empty(), credentials);
    }
}
