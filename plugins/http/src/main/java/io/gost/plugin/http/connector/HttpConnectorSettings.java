package io.gost.plugin.http.connector;

import io.gost.api.Credentials;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.handshake.HandshakeConnector;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The connector's options, read once from its metadata.
 *
 * @param credentials  presented as {@code Proxy-Authorization: Basic}; empty sends none
 * @param timeout      replaces the handshake timeout the runtime passes; empty keeps it
 * @param extraHeaders fields added to every CONNECT request, in order
 */
record HttpConnectorSettings(Optional<Credentials> credentials, Optional<Duration> timeout,
                             Map<String, String> extraHeaders) {

    HttpConnectorSettings {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(timeout, "timeout");
        extraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(extraHeaders));
    }

    /**
     * Reads {@code timeout} and {@code header} (see {@link HttpConnectorFactory#metadataSchema()}).
     *
     * @throws InvalidMetadataException naming the key whose value cannot be used
     * @throws IllegalArgumentException when the credentials cannot be sent with Basic authentication
     */
    static HttpConnectorSettings from(Metadata metadata, PluginContext context) {
        Optional<Duration> timeout = HandshakeConnector.timeout(metadata);
        Map<String, String> headers = new LinkedHashMap<>();
        // header: {X-Foo: bar} arrives as a map, or as header.X-Foo when a loader flattened it.
        metadata.getMap("header").forEach((name, value) -> {
            String text = String.valueOf(value);
            if (!isToken(name) || value instanceof Map<?, ?> || value instanceof Iterable<?> || !isFieldValue(text)) {
                throw new InvalidMetadataException("header", name + ": " + text,
                        "expected a header name (letters, digits, -) and a value without line breaks");
            }
            headers.put(name, text);
        });
        context.credentials().ifPresent(credentials -> {
            if (credentials.username().indexOf(':') >= 0) {
                // Basic authentication cannot carry a colon in the user name (RFC 7617 §2): the hop
                // would split it there and check the wrong pair.
                throw new IllegalArgumentException(context.ownerName() + ": user name '" + credentials.username()
                        + "' for an http hop contains ':', which Basic authentication cannot carry;"
                        + " choose a user name without ':'");
            }
        });
        return new HttpConnectorSettings(context.credentials(), timeout, headers);
    }

    private static boolean isToken(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
    }

    private static boolean isFieldValue(String value) {
        return value.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
    }
}
