package io.gost.runtime.reload;

import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.Origin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the running configuration comes from, read again by every reload: a file (with the command line's
 * {@code -api}/{@code -metrics} laid over it), or the command line itself. GOST re-runs its whole parser on
 * a reload; so does this.
 */
public final class ConfigSource {

    private final String description;
    private final Supplier<GostConfig> loader;
    private final Path file;
    private byte[] lastDigest;

    private ConfigSource(String description, Supplier<GostConfig> loader, Path file) {
        this.description = description;
        this.loader = loader;
        this.file = file;
    }

    /** A file, read with {@code loader} (which lays the command line's flags over it). */
    public static ConfigSource file(Path file, Supplier<GostConfig> loader) {
        return new ConfigSource(file.toString(), loader, file);
    }

    /** Something that cannot be read again: the command line, standard input. */
    public static ConfigSource fixed(String description, Supplier<GostConfig> loader) {
        return new ConfigSource(description, loader, null);
    }

    /** The file, if the configuration is one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * The configuration as it is now.
     *
     * @throws ConfigException with every problem, each naming file and line
     */
    public GostConfig load() {
        if (file != null && file.toString().equals("-")) {
            throw new ConfigException(new Origin("-C -", 0, ""), "the configuration came from standard input, which"
                    + " cannot be read again; give a file to reload");
        }
        GostConfig config = loader.get();
        if (file != null) {
            lastDigest = digest();
        }
        return config;
    }

    /**
     * True when the file's content differs from when it was last loaded (for {@code -R}): a rewrite with the
     * same bytes (an editor's save, a ConfigMap's update of an unchanged key) is no change.
     */
    public boolean changedSinceLoad() {
        if (file == null) {
            return false;
        }
        byte[] now = digest();
        return now != null && !Arrays.equals(now, lastDigest);
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null; // unreadable for a moment (being replaced): judged at the next look
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
