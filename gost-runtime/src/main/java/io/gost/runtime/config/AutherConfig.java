package io.gost.runtime.config;

import io.gost.api.Credentials;
import java.util.List;
import java.util.Objects;

/**
 * A named set of accepted credentials (GOST's {@code authers}), referenced by {@code handler.auther}.
 *
 * @param name   referenced by handlers and listeners
 * @param auths  accepted user/password pairs
 * @param origin where it was configured
 */
public record AutherConfig(String name, List<Credentials> auths, Origin origin) {

    public AutherConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "an auther needs a name");
        }
        auths = List.copyOf(Objects.requireNonNullElse(auths, List.of()));
    }
}
