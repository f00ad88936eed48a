package io.gost.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The metadata keys a plugin reads ({@link PluginFactory#metadataSchema()}).
 *
 * <p>A plugin that declares its keys gets them checked before anything starts: a value of the wrong kind is
 * an error at the key's own line, and a key that no plugin of the service, hop or node declares is reported
 * with the nearest declared one. A plugin built before this existed declares nothing ({@link #UNDECLARED}):
 * its keys are passed to it unchecked.
 */
public final class MetadataSchema {

    /** For plugins that do not say which keys they read: nothing is checked on their behalf. */
    public static final MetadataSchema UNDECLARED = new MetadataSchema(List.of(), false);

    /** A plugin that reads no metadata at all. */
    public static final MetadataSchema NONE = new MetadataSchema(List.of(), true);

    private final List<MetadataKey> keys;
    private final boolean declared;

    private MetadataSchema(List<MetadataKey> keys, boolean declared) {
        this.keys = List.copyOf(keys);
        this.declared = declared;
    }

    /** A plugin that reads exactly {@code keys}. */
    public static MetadataSchema of(MetadataKey... keys) {
        return new MetadataSchema(List.of(keys), true);
    }

    /** A plugin that reads exactly {@code keys}. */
    public static MetadataSchema of(List<MetadataKey> keys) {
        return new MetadataSchema(keys, true);
    }

    /** These keys and those of {@code other} (e.g. a handler that also reads a shared set of keys). */
    public MetadataSchema and(MetadataSchema other) {
        List<MetadataKey> all = new ArrayList<>(keys);
        all.addAll(other.keys);
        return new MetadataSchema(all, declared || other.declared);
    }

    /** These keys and {@code more}. */
    public MetadataSchema and(MetadataKey... more) {
        return and(of(more));
    }

    /** False for {@link #UNDECLARED}: the plugin reads keys it does not list. */
    public boolean declared() {
        return declared;
    }

    /** The keys, in the order given. */
    public List<MetadataKey> keys() {
        return keys;
    }

    /** The declared key that {@code key} (as written, any case) is, if any. */
    public Optional<MetadataKey> find(String key) {
        return keys.stream().filter(candidate -> candidate.matches(key)).findFirst();
    }

    /**
     * Checks every declared key's value in {@code metadata}.
     *
     * @return one problem per key whose value cannot be read as declared; empty when all are usable
     */
    public List<InvalidMetadataException> check(Metadata metadata) {
        List<InvalidMetadataException> problems = new ArrayList<>();
        for (MetadataKey key : keys) {
            key.check(metadata).ifPresent(problems::add);
        }
        return problems;
    }

    @Override
    public String toString() {
        return declared ? "MetadataSchema" + keys : "MetadataSchema[undeclared]";
    }
}
