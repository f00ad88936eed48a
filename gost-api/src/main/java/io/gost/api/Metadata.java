package io.gost.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The immutable, case-insensitive key/value bag every plugin is configured with, as GOST's
 * {@code metadata} blocks are.
 *
 * <p>Keys are compared in lower case ({@code readTimeout} = {@code readtimeout}). Values are strings,
 * numbers, booleans, lists or maps as the configuration file gave them; the typed getters convert and
 * throw {@link InvalidMetadataException} naming the key when a value cannot be read as asked.
 * Durations follow GOST: a bare integer means seconds, otherwise Go syntax such as {@code 10s},
 * {@code 500ms} or {@code 1m30s}.
 */
public final class Metadata {

    private static final Metadata EMPTY = new Metadata(Map.of(), Map.of());
    private static final Pattern DURATION_PART =
            Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    /** Lower-cased key to value, in the order the keys were given. */
    private final Map<String, Object> values;
    /** Lower-cased key to the key as it was written, for maps whose entry names keep their case. */
    private final Map<String, String> spellings;

    private Metadata(Map<String, Object> values, Map<String, String> spellings) {
        this.values = values;
        this.spellings = spellings;
    }

    /** No keys at all. */
    public static Metadata empty() {
        return EMPTY;
    }

    /**
     * A bag holding a copy of {@code map}. When two keys differ only in case, the later one wins.
     * Null values are dropped.
     */
    public static Metadata of(Map<String, ?> map) {
        if (map.isEmpty()) {
            return EMPTY;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        Map<String, String> spellings = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value != null) {
                copy.put(normalize(key), value);
                spellings.put(normalize(key), key);
            }
        });
        return new Metadata(Collections.unmodifiableMap(copy), Collections.unmodifiableMap(spellings));
    }

    /** A bag from alternating keys and values, for tests and code: {@code of("netns", "ns1")}. */
    public static Metadata of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return of(map);
    }

    private static String normalize(String key) {
        return Objects.requireNonNull(key, "key").toLowerCase(Locale.ROOT);
    }

    /** True when {@code key} is present, in any case. */
    public boolean contains(String key) {
        return values.containsKey(normalize(key));
    }

    /** True when there are no keys. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The raw value of {@code key}, if present. */
    public Optional<Object> value(String key) {
        return Optional.ofNullable(values.get(normalize(key)));
    }

    /** The value of the first of {@code keys} that is present, as a string (GOST's alias fallback). */
    public Optional<String> string(String... keys) {
        for (String key : keys) {
            Object value = values.get(normalize(key));
            if (value != null) {
                return Optional.of(String.valueOf(value));
            }
        }
        return Optional.empty();
    }

    /** The string value of {@code key}, or {@code defaultValue}. */
    public String getString(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    /** The value of {@code key} as an int, or {@code defaultValue} when absent. */
    public int getInt(String key, int defaultValue) {
        return string(key).map(text -> parseInt(key, text)).orElse(defaultValue);
    }

    /** The value of {@code key} as a long, or {@code defaultValue} when absent. */
    public long getLong(String key, long defaultValue) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(text.get().trim());
        } catch (NumberFormatException e) {
            throw new InvalidMetadataException(key, text.get(), "expected a whole number");
        }
    }

    /** The value of {@code key} as a boolean ({@code true/false/yes/no/on/off/1/0}), or the default. */
    public boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        switch (text.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1":
                return true;
            case "false", "no", "off", "0":
                return false;
            default:
                throw new InvalidMetadataException(key, text.get(), "expected true or false");
        }
    }

    /**
     * The value of {@code key} as a duration: a bare integer is seconds, otherwise Go syntax
     * ({@code 1h}, {@code 2m30s}, {@code 500ms}). Absent gives {@code defaultValue}.
     */
    public Duration getDuration(String key, Duration defaultValue) {
        Optional<String> text = string(key);
        return text.isEmpty() ? defaultValue : parseDuration(key, text.get());
    }

    /** The value of {@code key} as a list of strings; a single string is split on commas. */
    public List<String> getStringList(String key) {
        Object value = values.get(normalize(key));
        if (value == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        if (value instanceof Iterable<?> iterable) {
            iterable.forEach(item -> result.add(String.valueOf(item)));
        } else {
            for (String part : String.valueOf(value).split(",")) {
                if (!part.isBlank()) {
                    result.add(part.trim());
                }
            }
        }
        return List.copyOf(result);
    }

    /**
     * The value of {@code key} as a map of names to values, keeping the names' case: a map value, and every
     * key written as {@code key.NAME} (configuration files write {@code header: {X-Foo: bar}}, which the
     * loaders keep as {@code header.X-Foo}). Empty when there is neither.
     *
     * @throws InvalidMetadataException when {@code key} holds something other than a map
     */
    public Map<String, Object> getMap(String key) {
        String normalized = normalize(key);
        Map<String, Object> result = new LinkedHashMap<>();
        Object value = values.get(normalized);
        if (value != null) {
            if (!(value instanceof Map<?, ?> map)) {
                throw new InvalidMetadataException(key, value, "expected a map of names to values");
            }
            map.forEach((name, item) -> result.put(String.valueOf(name), item));
        }
        String prefix = normalized + ".";
        values.forEach((candidate, item) -> {
            if (candidate.startsWith(prefix)) {
                result.put(spellings.getOrDefault(candidate, candidate).substring(prefix.length()), item);
            }
        });
        return Collections.unmodifiableMap(result);
    }

    /** The key as it was written, for the lower-cased {@code key} of {@link #asMap()}. */
    public String spelling(String key) {
        return spellings.getOrDefault(normalize(key), key);
    }

    /** A copy with {@code key} set to {@code value}. */
    public Metadata with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        Map<String, String> spelled = new LinkedHashMap<>(spellings);
        copy.put(normalize(key), Objects.requireNonNull(value, "value"));
        spelled.put(normalize(key), key);
        return new Metadata(Collections.unmodifiableMap(copy), Collections.unmodifiableMap(spelled));
    }

    /** A copy without {@code key}, or this bag when it has no such key. */
    public Metadata without(String key) {
        if (!contains(key)) {
            return this;
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        Map<String, String> spelled = new LinkedHashMap<>(spellings);
        copy.remove(normalize(key));
        spelled.remove(normalize(key));
        return copy.isEmpty() ? EMPTY
                : new Metadata(Collections.unmodifiableMap(copy), Collections.unmodifiableMap(spelled));
    }

    /** A copy with every key of {@code overrides} set over this bag's keys. */
    public Metadata withAll(Metadata overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return overrides;
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        Map<String, String> spelled = new LinkedHashMap<>(spellings);
        copy.putAll(overrides.values);
        spelled.putAll(overrides.spellings);
        return new Metadata(Collections.unmodifiableMap(copy), Collections.unmodifiableMap(spelled));
    }

    /** The keys (lower case) and values, unmodifiable, in the order given. */
    public Map<String, Object> asMap() {
        return values;
    }

    /**
     * Parses a GOST duration: a bare integer means seconds, otherwise a sequence of number+unit parts.
     *
     * @param key names the setting in the error message
     * @throws InvalidMetadataException when {@code text} is not a duration
     */
    public static Duration parseDuration(String key, String text) {
        String trimmed = text.trim();
        if (trimmed.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(trimmed));
        }
        Matcher matcher = DURATION_PART.matcher(trimmed);
        long nanos = 0;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            double amount = Double.parseDouble(matcher.group(1));
            long unitNanos = switch (matcher.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (amount * unitNanos);
            end = matcher.end();
        }
        if (end == 0 || end != trimmed.length()) {
            throw new InvalidMetadataException(key, text, "expected a duration such as 10s, 500ms or 1m30s");
        }
        return Duration.ofNanos(nanos);
    }

    private static int parseInt(String key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidMetadataException(key, text, "expected a whole number");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Metadata that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
