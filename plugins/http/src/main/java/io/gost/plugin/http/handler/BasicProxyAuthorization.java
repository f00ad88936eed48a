package io.gost.plugin.http.handler;

import io.gost.api.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Reads the credentials of a {@code Proxy-Authorization: Basic ...} field (RFC 7617). */
final class BasicProxyAuthorization {

    private static final String SCHEME = "basic";

    private BasicProxyAuthorization() {
    }

    /**
     * The user name and password in {@code value}, or empty when the field is absent, uses another
     * scheme, is not valid base64, or has no {@code :} between name and password.
     */
    static Optional<Credentials> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        if (trimmed.length() <= SCHEME.length() || !trimmed.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || !Character.isWhitespace(trimmed.charAt(SCHEME.length()))) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(trimmed.substring(SCHEME.length()).trim());
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(pair.substring(0, colon), pair.substring(colon + 1)));
    }
}
