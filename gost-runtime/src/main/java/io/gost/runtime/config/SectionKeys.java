package io.gost.runtime.config;

import java.util.Optional;

/** Which of GOST's section keys gost-java's configuration files read, for the key table. */
public final class SectionKeys {

    private SectionKeys() {
    }

    /**
     * Whether gost-java's files accept {@code key} in the section {@code scope} of GOST's catalog
     * ({@code section:services[].handler} ...); empty when gost-java reads no such section at all.
     */
    public static Optional<Boolean> accepts(String scope, String key) {
        return ConfigTreeMapper.accepts(scope, key);
    }
}
