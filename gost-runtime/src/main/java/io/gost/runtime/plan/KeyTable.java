package io.gost.runtime.plan;

import io.gost.api.MetadataSchema;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.GostKeys;
import io.gost.runtime.config.SectionKeys;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginRegistry;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key of GOST's configuration with what gost-java does with it, worked out from the same sources the
 * validator uses: the {@link GostKeys} catalog, what the configuration front ends read, what the runtime
 * declares ({@link RuntimeKeys}) and what each installed plugin declares. {@code gost keys} prints it, and
 * {@code docs/gost-keys.md} is its output for the bundled plugins, so the table cannot drift from the code.
 */
public final class KeyTable {

    /** What gost-java does with a key. */
    public enum Status {
        /** Read and used. */
        SUPPORTED("yes"),
        /** GOST's, refused with an error saying so until its feature lands. */
        NOT_YET("not yet"),
        /** A key of a plugin type no installed plugin provides (its type is refused). */
        NO_PLUGIN("no such plugin"),
        /** A plugin that does not declare its keys: given to it unchecked. */
        UNCHECKED("unchecked");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private KeyTable() {
    }

    /** What gost-java does with {@code key}, given the plugins of {@code registry}. */
    public static Status status(GostKeys.Key key, PluginRegistry registry) {
        String scope = key.scope();
        if (scope.startsWith("section:")) {
            if (!SectionKeys.accepts(scope, key.key()).orElse(false)) {
                return Status.NOT_YET;
            }
            // A tls block loads on all four plugin kinds, but planning refuses it on a kind no plugin reads it
            // for (today handlers and connectors: no TLS inside a proxy protocol yet).
            PluginKind tlsOf = tlsBlockOwner(scope, key.key());
            return tlsOf == null || registry.entries(tlsOf).stream().anyMatch(entry -> entry.factory().usesTls())
                    ? Status.SUPPORTED : Status.NOT_YET;
        }
        if (scope.startsWith("cli:")) {
            String flag = scope.substring("cli:".length());
            return (flag.equals("L") || flag.equals("F")) && CommandLineParser.implementsQueryKey(flag, key.key())
                    ? Status.SUPPORTED : Status.NOT_YET;
        }
        MetadataSchema schema = switch (scope) {
            case "metadata:service" -> RuntimeKeys.SERVICE;
            case "metadata:hop" -> RuntimeKeys.HOP;
            case "metadata:node" -> RuntimeKeys.NODE;
            case "metadata:chain" -> RuntimeKeys.CHAIN;
            case "metadata:handler" -> RuntimeKeys.HANDLER;
            default -> null;
        };
        if (schema == null) {
            PluginKind kind = pluginKind(scope);
            if (kind == null) {
                return Status.NOT_YET;
            }
            String type = scope.substring(scope.indexOf('/') + 1);
            if (!registry.has(kind, type)) {
                return Status.NO_PLUGIN;
            }
            schema = registry.require(kind, type).factory().metadataSchema();
            if (!schema.declared()) {
                return Status.UNCHECKED;
            }
            if (kind == PluginKind.HANDLER) {
                schema = schema.and(RuntimeKeys.HANDLER);
            }
        }
        MetadataSchema declared = schema;
        return key.spellings().stream().anyMatch(spelling -> declared.find(spelling).isPresent())
                ? Status.SUPPORTED : Status.NOT_YET;
    }

    /** The plugin kind whose {@code tls} block {@code key} of {@code scope} is, or is in; else null. */
    private static PluginKind tlsBlockOwner(String scope, String key) {
        for (PluginKind kind : PluginKind.values()) {
            String block = "." + kind.label();
            if ((scope.endsWith(block) && key.equals("tls")) || scope.endsWith(block + ".tls")
                    || scope.endsWith(block + ".tls.options")) {
                return kind;
            }
        }
        return null;
    }

    private static PluginKind pluginKind(String scope) {
        for (PluginKind kind : PluginKind.values()) {
            if (scope.startsWith("metadata:" + kind.label() + "/")) {
                return kind;
            }
        }
        return null;
    }

    /** The whole table as Markdown: a summary, then one table per scope. */
    public static String markdown(GostKeys catalog, PluginRegistry registry) {
        Map<String, List<GostKeys.Key>> byScope = new LinkedHashMap<>();
        catalog.all().forEach(key -> byScope.computeIfAbsent(key.scope(), scope -> new java.util.ArrayList<>()).add(key));
        Map<Status, Integer> totals = new EnumMap<>(Status.class);
        catalog.all().forEach(key -> totals.merge(status(key, registry), 1, Integer::sum));

        StringBuilder text = new StringBuilder();
        text.append("# GOST's configuration keys in gost-java\n\n")
                .append("Generated by `gost keys` from the catalog of GOST's keys that the configuration checker uses\n")
                .append("(`gost-runtime/src/main/resources/io/gost/runtime/plan/gost-keys.tsv`, transcribed from\n")
                .append("go-gost/x), what the configuration front ends read, and what the runtime and each bundled\n")
                .append("plugin declare. Do not edit it by hand: `bin/gost keys > docs/gost-keys.md`.\n\n")
                .append("- **yes**: read and used.\n")
                .append("- **not yet**: GOST's, refused with an error naming the key and its feature until that\n")
                .append("  feature lands; never accepted and ignored.\n")
                .append("- **no such plugin**: a key of a plugin type gost-java does not have (the type is refused).\n")
                .append("- **unchecked**: the plugin does not declare its keys.\n\n")
                .append("A key that is not in this table is not GOST's: in a file section it is an error with the\n")
                .append("nearest known key; in `metadata` it is a warning naming the nearest key.\n\n");
        text.append("| status | keys |\n| --- | ---: |\n");
        for (Status status : Status.values()) {
            text.append("| ").append(status.label()).append(" | ").append(totals.getOrDefault(status, 0))
                    .append(" |\n");
        }
        text.append('\n');
        byScope.forEach((scope, keys) -> {
            text.append("## `").append(scope).append("`\n\n")
                    .append("| key | also | type | GOST default | gost-java | feature | GOST docs |\n")
                    .append("| --- | --- | --- | --- | --- | --- | --- |\n");
            for (GostKeys.Key key : keys) {
                text.append("| `").append(cell(key.key())).append("` | ")
                        .append(cell(String.join(", ", key.aliases()))).append(" | ")
                        .append(cell(key.type())).append(" | ")
                        .append(cell(key.defaultValue())).append(" | ")
                        .append(status(key, registry).label()).append(" | ")
                        .append(cell(key.feature())).append(" | ")
                        .append(docLink(key.doc())).append(" |\n");
            }
            text.append('\n');
        });
        return text.toString();
    }

    /** A go-gost/docs page as its gost.run address. */
    private static String docLink(String doc) {
        if (doc.isEmpty()) {
            return "";
        }
        String page = doc.split("#")[0].replaceFirst("^en/docs/", "").replaceFirst("\\.md$", "")
                .replaceFirst("(^|/)index$", "");
        return "[" + page + "](https://gost.run/en/" + (page.isEmpty() ? "" : page + "/") + ")";
    }

    private static String cell(String value) {
        return value.replace("|", "\\|").replace("\n", " ");
    }
}
