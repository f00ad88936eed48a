package io.gost.runtime.auth;

import io.gost.api.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One of GOST's authers: users and their passwords, written inline, in a file ({@code user password} per line,
 * split at the first blank, {@code #} at the start of a line for comments), in a Redis hash or at an HTTP URL,
 * and reloaded while in use ({@link #update}). As in GOST, a user whose password is empty is let in with any
 * password, and an auther without users lets nobody in.
 *
 * <p>Passwords are kept as SHA-256 digests and compared with {@link MessageDigest#isEqual}, so the time a check
 * takes says nothing about how much of a password was right, nor about its length.
 */
public final class Auther implements CredentialCheck {

    /** Stands for "any password" (an empty one in the table). */
    private static final byte[] ANY = new byte[0];

    private final String name;
    private volatile Map<String, byte[]> users;

    public Auther(String name, Map<String, byte[]> users) {
        this.name = Objects.requireNonNull(name, "name");
        this.users = Objects.requireNonNull(users, "users");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean checkNow(String username, String password) {
        return check(username, password);
    }

    @Override
    public java.util.concurrent.CompletionStage<Boolean> check(String username, String password,
                                                                 java.net.InetSocketAddress client) {
        return java.util.concurrent.CompletableFuture.completedFuture(check(username, password));
    }

    /** Users known now. */
    public int size() {
        return users.size();
    }

    public void update(Map<String, byte[]> newUsers) {
        this.users = Objects.requireNonNull(newUsers, "newUsers");
    }

    /** True when {@code username} is known and {@code password} is its password (or it has none). */
    public boolean check(String username, String password) {
        byte[] expected = users.get(username == null ? "" : username);
        byte[] given = digest(password == null ? "" : password);
        if (expected == null) {
            // The same work as for a known user, so that timing does not tell which users exist.
            MessageDigest.isEqual(given, given);
            return false;
        }
        return expected == ANY | MessageDigest.isEqual(expected, given);
    }

    /**
     * The table of inline users and lines ({@code user password}), later entries winning. A line starting with
     * {@code #} is a comment; a line with a user only has an empty password.
     */
    public static Map<String, byte[]> table(List<Credentials> inline, List<String> lines) {
        Map<String, byte[]> table = new HashMap<>();
        for (Credentials credentials : inline) {
            table.put(credentials.username(), entry(credentials.password()));
        }
        for (String raw : lines) {
            String line = raw.replace('\t', ' ').trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space < 0) {
                table.put(line, ANY);
            } else {
                table.put(line.substring(0, space), entry(line.substring(space + 1).trim()));
            }
        }
        return Collections.unmodifiableMap(table);
    }

    private static byte[] entry(String password) {
        return password.isEmpty() ? ANY : digest(password);
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Auther[" + name + ", " + users.size() + " users]";
    }
}
