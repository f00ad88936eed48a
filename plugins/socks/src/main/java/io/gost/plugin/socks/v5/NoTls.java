package io.gost.plugin.socks.v5;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;

/**
 * GOST's {@code notls}: between two GOSTs, SOCKS5 runs inside TLS (methods 0x80 and 0x82) unless it is set.
 * gost-java speaks plain SOCKS5 only, so {@code notls: true} is exactly what it does, and {@code notls: false}
 * (asking for the TLS methods) is refused rather than silently not done.
 */
public final class NoTls {

    /** The key, for the handler's and the connector's schemas. */
    public static final MetadataKey KEY = MetadataKey.bool("notls", true, "plain SOCKS5 without GOST's TLS methods"
            + " 0x80/0x82; gost-java has only this, so false is refused");

    private NoTls() {
    }

    /** Refuses {@code notls: false}. */
    public static void check(Metadata metadata) {
        if (!metadata.getBoolean(KEY.name(), true)) {
            throw new InvalidMetadataException(KEY.name(), metadata.value(KEY.name()).orElse(""),
                    "true: gost-java does not support SOCKS5 inside TLS (GOST's methods 0x80 and 0x82) yet");
        }
    }
}
