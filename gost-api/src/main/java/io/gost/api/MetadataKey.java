package io.gost.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One metadata key a plugin reads: its name, the other spellings GOST accepts for it, the kind of value it
 * takes and its default. A factory lists its keys in {@link PluginFactory#metadataSchema()}, so that the
 * runtime can check a configuration's values before anything starts, tell a user which key they mistyped,
 * and print the plugin's options in {@code gost plugins}.
 *
 * @param name         the key as GOST documents it, e.g. {@code readTimeout}
 * @param aliases      other spellings read as the same key, e.g. {@code handshakeTimeout}
 * @param type         the kind of value
 * @param defaultValue the value used when the key is absent, as a user would write it; empty when there is
 *                     none or it depends on other keys
 * @param description  one line for a user
 */
public record MetadataKey(String name, List<String> aliases, Type type, String defaultValue, String description) {

    /** The kinds of value a key takes. */
    public enum Type {
        /** Any scalar, read as text. */
        STRING("text"),
        /** {@code true/false/yes/no/on/off/1/0}. */
        BOOLEAN("true or false"),
        /** A whole number. */
        INTEGER("a whole number"),
        /** A number, possibly with a fraction. */
        NUMBER("a number"),
        /** GOST's durations: a bare integer is seconds, otherwise {@code 10s}, {@code 500ms}, {@code 1m30s}. */
        DURATION("a duration such as 10s, 500ms or 1m30s"),
        /** A list, or a comma-separated string. */
        LIST("a list (or comma-separated text)"),
        /** A map of names to values; its sub-keys belong to it ({@code header.X-Foo} is part of {@code header}). */
        MAP("a map of names to values"),
        /** Whatever the plugin makes of it. */
        ANY("any value");

        private final String expectation;

        Type(String expectation) {
            this.expectation = expectation;
        }

        /** How a value of this type is described to a user: "a whole number". */
        public String expectation() {
            return expectation;
        }
    }

    public MetadataKey {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a metadata key needs a name");
        }
        aliases = List.copyOf(Objects.requireNonNullElse(aliases, List.of()));
        Objects.requireNonNull(type, "type");
        defaultValue = Objects.requireNonNullElse(defaultValue, "");
        description = Objects.requireNonNullElse(description, "");
    }

    /** A text key. */
    public static MetadataKey string(String name, String defaultValue, String description) {
        return new MetadataKey(name, List.of(), Type.STRING, defaultValue, description);
    }

    /** A boolean key. */
    public static MetadataKey bool(String name, boolean defaultValue, String description) {
        return new MetadataKey(name, List.of(), Type.BOOLEAN, Boolean.toString(defaultValue), description);
    }

    /** A whole-number key. */
    public static MetadataKey integer(String name, String defaultValue, String description) {
        return new MetadataKey(name, List.of(), Type.INTEGER, defaultValue, description);
    }

    /** A duration key. */
    public static MetadataKey duration(String name, String defaultValue, String description) {
        return new MetadataKey(name, List.of(), Type.DURATION, defaultValue, description);
    }

    /** A list key. */
    public static MetadataKey list(String name, String description) {
        return new MetadataKey(name, List.of(), Type.LIST, "", description);
    }

    /** A map key. */
    public static MetadataKey map(String name, String description) {
        return new MetadataKey(name, List.of(), Type.MAP, "", description);
    }

    /** A key of any shape. */
    public static MetadataKey any(String name, String description) {
        return new MetadataKey(name, List.of(), Type.ANY, "", description);
    }

    /** The same key, also read under {@code moreAliases}. */
    public MetadataKey alias(String... moreAliases) {
        List<String> all = new ArrayList<>(aliases);
        all.addAll(List.of(moreAliases));
        return new MetadataKey(name, all, type, defaultValue, description);
    }

    /** The name and every alias. */
    public List<String> spellings() {
        List<String> all = new ArrayList<>(aliases.size() + 1);
        all.add(name);
        all.addAll(aliases);
        return all;
    }

    /**
     * The spelling under which {@code metadata} holds this key (the name or the first alias present), or the
     * name when it holds none; read the value with it, so that a bad value is reported as written:
     * {@code metadata.getInt(KEY.spellingIn(metadata), 4096)}.
     */
    public String spellingIn(Metadata metadata) {
        for (String spelling : spellings()) {
            if (metadata.contains(spelling)) {
                return spelling;
            }
        }
        return name;
    }

    /**
     * True when {@code key} (as written in a configuration, any case) is this key: its name or an alias, or
     * for a {@link Type#MAP} key one of its entries ({@code header.X-Foo}).
     */
    public boolean matches(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String spelling : spellings()) {
            String candidate = spelling.toLowerCase(Locale.ROOT);
            if (lower.equals(candidate)) {
                return true;
            }
            if (type == Type.MAP && lower.startsWith(candidate + ".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks the value {@code metadata} holds for this key, under whichever spelling it is written.
     *
     * @return the problem, naming the key as written and what was expected; empty when the value is usable
     *         or the key is absent
     */
    public Optional<InvalidMetadataException> check(Metadata metadata) {
        for (String spelling : spellings()) {
            Optional<Object> value = metadata.value(spelling);
            if (value.isEmpty()) {
                continue;
            }
            try {
                checkValue(spelling, value.get());
                return Optional.empty();
            } catch (InvalidMetadataException e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private void checkValue(String key, Object value) {
        switch (type) {
            case STRING -> {
                if (value instanceof Map<?, ?> || value instanceof Iterable<?>) {
                    throw new InvalidMetadataException(key, value, "expected " + type.expectation());
                }
            }
            case BOOLEAN -> Metadata.of(key, String.valueOf(value)).getBoolean(key, false);
            case INTEGER -> Metadata.of(key, String.valueOf(value)).getLong(key, 0);
            case NUMBER -> {
                try {
                    Double.parseDouble(String.valueOf(value).trim());
                } catch (NumberFormatException e) {
                    throw new InvalidMetadataException(key, value, "expected " + type.expectation());
                }
            }
            case DURATION -> Metadata.parseDuration(key, String.valueOf(value));
            case MAP -> {
                if (!(value instanceof Map<?, ?>)) {
                    throw new InvalidMetadataException(key, value, "expected " + type.expectation());
                }
            }
            case LIST -> {
                if (value instanceof Map<?, ?>) {
                    throw new InvalidMetadataException(key, value, "expected " + type.expectation());
                }
            }
            case ANY -> {
            }
        }
    }

    @Override
    public String toString() {
        return name + (aliases.isEmpty() ? "" : " (" + String.join(", ", aliases) + ")") + ": "
                + type.name().toLowerCase(Locale.ROOT) + (defaultValue.isEmpty() ? "" : " = " + defaultValue);
    }
}
