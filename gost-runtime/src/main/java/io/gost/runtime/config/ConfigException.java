package io.gost.runtime.config;

import java.util.List;

/**
 * Configuration that cannot be used. The message starts with where ({@link Origin}) and says what was
 * wrong and what was expected. A loader that finds several problems reports them all at once.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(Origin origin, String problem) {
        this(List.of(origin + ": " + problem));
    }

    public ConfigException(Origin origin, String problem, Throwable cause) {
        super(origin + ": " + problem, cause);
        this.problems = List.of(origin + ": " + problem);
    }

    /** Several problems, each already prefixed with its origin. */
    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, prefixed with its origin. */
    public List<String> problems() {
        return problems;
    }
}
