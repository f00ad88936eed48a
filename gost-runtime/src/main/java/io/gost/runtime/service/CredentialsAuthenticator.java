package io.gost.runtime.service;

import io.gost.api.Authenticator;
import io.gost.api.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Accepts any of a fixed list of user/password pairs. Compares in constant time (per pair), so response
 * timing does not reveal how much of a password was right.
 */
public final class CredentialsAuthenticator implements Authenticator {

    private final List<byte[][]> accepted;

    public CredentialsAuthenticator(List<Credentials> credentials) {
        this.accepted = credentials.stream()
                .map(c -> new byte[][] {bytes(c.username()), bytes(c.password())})
                .toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean authenticate(String username, String password) {
        byte[] user = bytes(username == null ? "" : username);
        byte[] pass = bytes(password == null ? "" : password);
        boolean match = false;
        for (byte[][] pair : accepted) {
            // Non-short-circuit '&' and '|' keep the work independent of which part matched.
            match |= MessageDigest.isEqual(pair[0], user) & MessageDigest.isEqual(pair[1], pass);
        }
        return match;
    }
}
