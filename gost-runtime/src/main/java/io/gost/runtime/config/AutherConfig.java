package io.gost.runtime.config;

import io.gost.api.Credentials;
import java.util.List;
import java.util.Objects;

/**
 * A named set of accepted credentials (GOST's {@code authers}), referenced by {@code handler.auther}: users
 * written inline, read from a file ({@code user password} per line), a Redis hash (field = user, value =
 * password) or an HTTP URL (the file's format), reloaded every {@code reload}; or, instead of all of these,
 * an HTTP plugin asked for every login. A user with an empty password is let in with any password, as in
 * GOST.
 *
 * @param name    referenced by handlers and listeners
 * @param auths   inline user/password pairs
 * @param sources more users from files, Redis or HTTP
 * @param plugin  an external service that decides instead, or {@code null}
 * @param origin  where it was configured
 */
public record AutherConfig(String name, List<Credentials> auths, DataSources sources, ControlPlugin plugin,
                           Origin origin) {

    public AutherConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "an auther needs a name");
        }
        auths = List.copyOf(Objects.requireNonNullElse(auths, List.of()));
        sources = Objects.requireNonNullElse(sources, DataSources.NONE);
    }

    /** An auther with inline users only. */
    public AutherConfig(String name, List<Credentials> auths, Origin origin) {
        this(name, auths, DataSources.NONE, null, origin);
    }
}
