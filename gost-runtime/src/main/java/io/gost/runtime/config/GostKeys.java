package io.gost.runtime.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every key of GOST's configuration, as GOST's own code reads it: the sections and fields of its YAML
 * schema, the metadata keys its runtime and each of its plugin types read, and the command-line query keys
 * with a meaning of their own. Loaded from {@code gost-keys.tsv} (transcribed from go-gost/x, each row naming
 * the Go file and documentation page it came from).
 *
 * <p>This is how gost-java tells a key it does not support yet (GOST has it: an error saying so) from a key
 * that is not GOST's at all (a typo: an error with the nearest known key). It is also the source of the key
 * table in {@code docs/gost-keys.md}, so the table and the validator cannot disagree.
 */
public final class GostKeys {

    private static final String RESOURCE = "/io/gost/runtime/plan/gost-keys.tsv";

    /**
     * One row of the catalog.
     *
     * @param scope        {@code section:services[].handler}, {@code metadata:handler/socks5},
     *                     {@code metadata:service}, {@code cli:L} ...
     * @param key          GOST's spelling
     * @param aliases      other spellings GOST reads as the same key
     * @param type         string, bool, int, float, duration, bytes, list, map, object or any
     * @param defaultValue GOST's default, or empty
     * @param feature      what the key belongs to: core, tls, udp, limits, ops ...
     * @param source       the GOST file it is read in
     * @param doc          the documentation page, or empty
     * @param note         what it does, in a few words
     */
    public record Key(String scope, String key, List<String> aliases, String type, String defaultValue,
                      String feature, String source, String doc, String note) {

        public Key {
            aliases = List.copyOf(aliases);
        }

        /**
         * True when {@code written} is this key or one of its aliases, ignoring case, or for a map key one of
         * its entries ({@code labels.tenant} is part of {@code labels}).
         */
        public boolean matches(String written) {
            for (String spelling : spellings()) {
                if (spelling.equalsIgnoreCase(written) || (type.equals("map")
                        && written.regionMatches(true, 0, spelling + ".", 0, spelling.length() + 1))) {
                    return true;
                }
            }
            return false;
        }

        /** The name and every alias. */
        public List<String> spellings() {
            List<String> all = new ArrayList<>();
            all.add(key);
            all.addAll(aliases);
            return all;
        }
    }

    private static volatile GostKeys shared;

    /** The keys in catalog order, and by lower-cased scope. */
    private record Rows(List<Key> keys, Map<String, List<Key>> byScope) {

        static Rows of(List<Key> keys) {
            Map<String, List<Key>> grouped = new LinkedHashMap<>();
            for (Key key : keys) {
                grouped.computeIfAbsent(key.scope().toLowerCase(Locale.ROOT), scope -> new ArrayList<>()).add(key);
            }
            grouped.replaceAll((scope, list) -> List.copyOf(list));
            return new Rows(List.copyOf(keys), Collections.unmodifiableMap(grouped));
        }
    }

    private final Supplier<Rows> source;
    private volatile Rows rows;

    private GostKeys(Supplier<Rows> source) {
        this.source = source;
    }

    /**
     * The catalog shipped with gost-java, read at its first question. Why not at once: the planner and the
     * command-line parser hold it at every start but ask it only about a key they do not implement, and
     * reading its rows is several percent of a start.
     */
    public static GostKeys shipped() {
        GostKeys catalog = shared;
        if (catalog == null) {
            catalog = new GostKeys(() -> {
                try (InputStream in = GostKeys.class.getResourceAsStream(RESOURCE)) {
                    if (in == null) {
                        throw new IllegalStateException(RESOURCE + " is missing from gost-runtime");
                    }
                    return Rows.of(rows(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            shared = catalog;
        }
        return catalog;
    }

    private Rows rows() {
        Rows read = rows;
        if (read == null) {
            synchronized (this) {
                read = rows;
                if (read == null) {
                    read = source.get();
                    rows = read;
                }
            }
        }
        return read;
    }

    /** A catalog from TSV text: a header line, then one key per line; {@code #} starts a comment line. */
    public static GostKeys parse(String tsv) {
        Rows parsed = Rows.of(rows(tsv));
        return new GostKeys(() -> parsed);
    }

    private static List<Key> rows(String tsv) {
        List<Key> keys = new ArrayList<>();
        boolean header = true;
        try (BufferedReader reader = new BufferedReader(new java.io.StringReader(tsv))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] columns = Arrays.copyOf(line.split("\t", -1), 9);
                for (int i = 0; i < columns.length; i++) {
                    columns[i] = Objects.requireNonNullElse(columns[i], "").trim();
                }
                List<String> aliases = columns[2].isEmpty() ? List.of()
                        : Arrays.stream(columns[2].split("\\|")).map(String::trim).filter(a -> !a.isEmpty()).toList();
                keys.add(new Key(columns[0], columns[1], aliases, columns[3], columns[4], columns[5], columns[6],
                        columns[7], columns[8]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /** Every key, in catalog order. */
    public List<Key> all() {
        return rows().keys();
    }

    /** The keys of one scope, e.g. {@code section:services[]} or {@code metadata:handler/socks5}. */
    public List<Key> scope(String scope) {
        return rows().byScope().getOrDefault(scope.toLowerCase(Locale.ROOT), List.of());
    }

    /** The key of {@code scope} written as {@code written} (name or alias, any case). */
    public Optional<Key> find(String scope, String written) {
        return scope(scope).stream().filter(key -> key.matches(written)).findFirst();
    }

    /** The metadata keys GOST's plugin of {@code kind} ({@code handler}, ...) and {@code type} reads. */
    public List<Key> pluginMetadata(String kind, String type) {
        return scope("metadata:" + kind + "/" + type);
    }
}
