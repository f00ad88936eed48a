package io.gost.runtime.config;

/**
 * Where a piece of configuration came from, for error messages a user can act on.
 *
 * @param source the file name, or the command-line argument ({@code -L tcp://:8000/...})
 * @param line   the 1-based line in the file, or 0 when not known (command line, JSON without positions)
 * @param path   the key path inside the source, e.g. {@code services[0].handler.type}; may be empty
 */
public record Origin(String source, int line, String path) {

    /** An origin for code-built configuration and tests. */
    public static final Origin UNKNOWN = new Origin("<built-in>", 0, "");

    public Origin {
        source = source == null ? "<unknown>" : source;
        path = path == null ? "" : path;
    }

    /** The same source and line, one key deeper. */
    public Origin child(String key) {
        return new Origin(source, line, path.isEmpty() ? key : path + "." + key);
    }

    /** The same source and line, at an index of a list. */
    public Origin index(int index) {
        return new Origin(source, line, path + "[" + index + "]");
    }

    /** {@code app.yaml:12: services[0].handler.type}, as compilers print positions. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(source);
        if (line > 0) {
            text.append(':').append(line);
        }
        if (!path.isEmpty()) {
            text.append(": ").append(path);
        }
        return text.toString();
    }
}
