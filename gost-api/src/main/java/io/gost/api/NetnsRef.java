package io.gost.api;

import java.nio.file.Path;

/**
 * A network namespace as configured: a name ({@code ns1}, meaning {@code /run/netns/ns1}, as
 * {@code ip netns add} creates it) or an absolute path ({@code /run/netns/ns2}, {@code /proc/PID/ns/net}).
 *
 * @param value the text as given in {@code netns}, {@code netns.out} or hop/node metadata
 */
public record NetnsRef(String value) {

    /** Where {@code ip netns} keeps named namespaces. */
    public static final Path NAMED_NAMESPACE_DIRECTORY = Path.of("/run/netns");

    /** Rejects values that can name no namespace: empty, relative paths, {@code .} and {@code ..}. */
    public NetnsRef {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a network namespace must be a name such as ns1 or an absolute path"
                    + " such as /run/netns/ns1, got an empty value");
        }
        if (!value.startsWith("/") && (value.contains("/") || value.equals(".") || value.equals(".."))) {
            throw new IllegalArgumentException("network namespace '" + value
                    + "' is neither a name (no '/') nor an absolute path (starting with '/')");
        }
        if (!value.equals(value.strip())) {
            throw new IllegalArgumentException("network namespace '" + value + "' has leading or trailing spaces");
        }
    }

    /** Parses {@code netns} text; see the constructor for what is rejected. */
    public static NetnsRef parse(String value) {
        return new NetnsRef(value);
    }

    /** True when the namespace was given by path rather than by name. */
    public boolean isPath() {
        return value.startsWith("/");
    }

    /** The file to open: the path itself, or {@code /run/netns/NAME}. */
    public Path path() {
        return isPath() ? Path.of(value) : NAMED_NAMESPACE_DIRECTORY.resolve(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
