package io.gost.runtime.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where each key of a {@code metadata} block was written, so that a problem with one key points at that
 * key's own line (or URL query part), not at the service or node that holds it.
 *
 * @param block where the block itself was written; keys without an origin of their own fall back to it
 * @param keys  lower-cased key (dotted for nested maps) to where it was written
 */
public record KeyOrigins(Origin block, Map<String, Origin> keys) {

    public KeyOrigins {
        block = Objects.requireNonNullElse(block, Origin.UNKNOWN);
        Map<String, Origin> copy = new LinkedHashMap<>();
        Objects.requireNonNullElse(keys, Map.<String, Origin>of())
                .forEach((key, origin) -> copy.put(key.toLowerCase(Locale.ROOT), origin));
        keys = Collections.unmodifiableMap(copy);
    }

    /** A block whose keys have no positions of their own. */
    public static KeyOrigins at(Origin block) {
        return new KeyOrigins(block, Map.of());
    }

    /** Where {@code key} was written: its own origin, or the block's with the key appended. */
    public Origin of(String key) {
        Origin own = keys.get(key.toLowerCase(Locale.ROOT));
        return own != null ? own : block.child(key);
    }
}
