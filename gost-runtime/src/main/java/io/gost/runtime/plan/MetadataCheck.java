package io.gost.runtime.plan;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.runtime.config.GostKeys;
import io.gost.runtime.config.KeyOrigins;
import io.gost.runtime.config.Suggestions;
import io.gost.runtime.config.Unsupported;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Accounts for every key of the {@code metadata} maps of one service, hop or node, so that none is silently
 * ignored.
 *
 * <p>A key in a map is fine when the map's reader (the plugin or runtime part that gets that map) declares
 * it, with a value of the declared kind. Otherwise:
 * <ul>
 *   <li>another reader of the same owner declares it: fine when that reader's map has it too with the same
 *       value (GOST's command line copies a query key into every map), else an error saying where it
 *       belongs (in the wrong map it would be ignored);</li>
 *   <li>GOST reads it there (the {@link GostKeys} catalog) for a feature gost-java lacks: an error saying
 *       so;</li>
 *   <li>neither: a warning naming the nearest key any reader declares; a reader that does not declare its
 *       keys ({@link MetadataSchema#UNDECLARED}, a plugin built before declarations) might read it, so
 *       then nothing is said.</li>
 * </ul>
 */
final class MetadataCheck {

    /**
     * One metadata map and who reads it.
     *
     * @param label         the reader in messages: {@code the socks5 handler}, {@code the service}
     * @param metadata      the map
     * @param origins       where each key was written
     * @param schemas       what the reader declares (the plugin's and the runtime's keys)
     * @param catalogScopes where GOST's keys for this reader are catalogued, e.g. {@code metadata:handler/socks5}
     */
    record Reader(String label, Metadata metadata, KeyOrigins origins, List<MetadataSchema> schemas,
                  List<String> catalogScopes) {

        Reader {
            schemas = List.copyOf(schemas);
            catalogScopes = List.copyOf(catalogScopes);
        }

        boolean declaresAll() {
            return schemas.stream().allMatch(MetadataSchema::declared);
        }

        Optional<MetadataKey> find(String key) {
            for (MetadataSchema schema : schemas) {
                Optional<MetadataKey> found = schema.find(key);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
    }

    private final GostKeys catalog;
    private final List<String> problems;
    private final List<String> warnings;

    MetadataCheck(GostKeys catalog, List<String> problems, List<String> warnings) {
        this.catalog = catalog;
        this.problems = problems;
        this.warnings = warnings;
    }

    /** Checks every map of one owner ({@code ownerLabel}: {@code service service-0}). */
    void check(String ownerLabel, List<Reader> readers) {
        for (Reader reader : readers) {
            for (MetadataSchema schema : reader.schemas()) {
                for (InvalidMetadataException e : schema.check(reader.metadata())) {
                    add(problems, reader.origins().of(e.key()) + ": " + e.getMessage());
                }
            }
            for (Map.Entry<String, Object> entry : reader.metadata().asMap().entrySet()) {
                checkKey(ownerLabel, reader, reader.metadata().spelling(entry.getKey()), entry.getValue(), readers);
            }
        }
    }

    private void checkKey(String ownerLabel, Reader reader, String key, Object value, List<Reader> readers) {
        if (reader.find(key).isPresent() || !reader.declaresAll()) {
            return; // read here, or a reader that does not list its keys may read it
        }
        String where = reader.origins().of(key).toString();
        for (Reader sibling : readers) {
            if (sibling == reader || (sibling.find(key).isEmpty() && sibling.declaresAll())) {
                continue;
            }
            Optional<Object> siblingValue = sibling.metadata().value(key);
            if (siblingValue.isPresent() && Objects.equals(String.valueOf(siblingValue.get()), String.valueOf(value))) {
                return; // the command line's copy; the sibling reads its own
            }
            if (sibling.find(key).isPresent()) {
                add(problems, where + ": metadata '" + key + "' is not read by " + reader.label() + "; it is an"
                        + " option of " + sibling.label() + ": set it in that one's metadata");
                return;
            }
        }
        List<Reader> ownFirst = new ArrayList<>();
        ownFirst.add(reader);
        readers.stream().filter(candidate -> candidate != reader).forEach(ownFirst::add);
        for (Reader candidate : ownFirst) {
            for (String scope : candidate.catalogScopes()) {
                Optional<GostKeys.Key> gostKey = catalog.find(scope, key);
                if (gostKey.isPresent()) {
                    add(problems, where + ": " + Unsupported.message("metadata '" + key + "' (" + candidate.label()
                            + ")", gostKey.get().feature()));
                    return;
                }
            }
        }
        if (readers.stream().anyMatch(candidate -> !candidate.declaresAll())) {
            return; // a plugin that does not list its keys may read it
        }
        Set<String> known = new LinkedHashSet<>();
        for (Reader candidate : readers) {
            candidate.schemas().forEach(schema -> schema.keys().forEach(k -> known.addAll(k.spellings())));
            candidate.catalogScopes().forEach(scope -> catalog.scope(scope).forEach(k -> known.addAll(k.spellings())));
        }
        String hint = Suggestions.closest(key, known).map(near -> "; did you mean '" + near + "'?")
                .orElse("; it is ignored");
        add(warnings, where + ": metadata '" + key + "' is not an option of any part of " + ownerLabel + hint);
    }

    private static void add(List<String> sink, String message) {
        if (!sink.contains(message)) {
            sink.add(message);
        }
    }
}
