package io.gost.runtime.config;

import io.gost.runtime.config.ConfigTree.Entry;
import io.gost.runtime.config.ConfigTree.ListNode;
import io.gost.runtime.config.ConfigTree.MapNode;
import io.gost.runtime.config.ConfigTree.ScalarNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Changes to a running configuration, object by object, as GOST's Web API makes them: add, replace or
 * remove a named object of a section ({@code services}, {@code chains}, {@code hops}, {@code authers},
 * {@code bypasses}, and every other list of named objects the configuration schema reads). The result is
 * the configuration as the file loaders would have read it, checked by the same schema: a body with a
 * problem changes nothing, and the problem names where in the body it is.
 *
 * <p>How: the running configuration is written out ({@link ConfigWriter}), the object is put into (or
 * taken out of) its section, and the whole document is read again by {@link ConfigTreeMapper}; so a
 * section that a later feature adds to the schema and the writer can be edited without any code here.
 */
public final class ConfigEdit {

    /** Where the parts of the document that were not in the request come from, in messages. */
    static final String RUNNING = "the running configuration";

    private ConfigEdit() {
    }

    /** Why an edit cannot be made, with GOST's API error code. */
    public static final class EditException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** GOST's codes: 40001 invalid, 40002 duplicate, 40004 not found. */
        public static final int INVALID = 40001;
        public static final int DUPLICATE = 40002;
        public static final int NOT_FOUND = 40004;

        private final int code;

        EditException(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /**
     * Whether the configuration schema reads {@code section} as a top-level list of named objects:
     * {@code Optional.empty()} when GOST has no such section, {@code false} when GOST has it and gost-java
     * does not support it yet.
     */
    public static Optional<Boolean> supports(String section) {
        if (section.equals("log") || section.equals("api") || section.equals("metrics") || section.equals("netns")) {
            return Optional.empty();
        }
        Optional<Boolean> accepted = ConfigTreeMapper.accepts("section:", section);
        if (accepted.orElse(false)) {
            return accepted;
        }
        return GostKeys.shipped().find("section:", section).isPresent() ? Optional.of(false) : Optional.empty();
    }

    /** The objects of {@code section} as written ({@code gost -O json} shape). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> list(GostConfig config, String section) {
        Object items = ConfigWriter.tree(config).get(section);
        return items instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    /** The object of {@code section} called {@code name}, as written. */
    public static Optional<Map<String, Object>> get(GostConfig config, String section, String name) {
        return list(config, section).stream().filter(item -> name.equals(item.get("name"))).findFirst();
    }

    /**
     * {@code config} with the object {@code body} (JSON or YAML) added to {@code section}.
     *
     * @param source names the request in messages, e.g. {@code POST /config/services}
     * @throws EditException   without a name, or when the name is taken
     * @throws ConfigException when the result does not read, each problem with where
     */
    public static GostConfig add(GostConfig config, String section, String body, String source) {
        MapNode object = object(body, source);
        String name = name(object, source);
        if (get(config, section, name).isPresent()) {
            throw new EditException(EditException.DUPLICATE, source + ": there is already an object called '" + name
                    + "' in " + section);
        }
        List<ConfigTree> items = items(config, section, null);
        items.add(object);
        return read(config, section, items);
    }

    /**
     * {@code config} with the object called {@code name} in {@code section} replaced by {@code body}. A body
     * without a name keeps {@code name}; one with another name renames the object.
     */
    public static GostConfig replace(GostConfig config, String section, String name, String body, String source) {
        MapNode object = object(body, source);
        if (nameOf(object).isEmpty()) {
            List<Entry> entries = new ArrayList<>(object.entries());
            entries.add(0, new Entry("name", 0, new ScalarNode(name, 0, source)));
            object = new MapNode(entries, object.line(), object.source());
        }
        String newName = name(object, source);
        if (get(config, section, name).isEmpty()) {
            throw new EditException(EditException.NOT_FOUND, source + ": no object called '" + name + "' in " + section);
        }
        if (!newName.equals(name) && get(config, section, newName).isPresent()) {
            throw new EditException(EditException.DUPLICATE, source + ": there is already an object called '"
                    + newName + "' in " + section);
        }
        MapNode replacement = object;
        List<ConfigTree> items = items(config, section, name);
        int index = indexOf(config, section, name);
        items.add(index, replacement);
        return read(config, section, items);
    }

    /** {@code config} without the object called {@code name} in {@code section}. */
    public static GostConfig remove(GostConfig config, String section, String name, String source) {
        if (get(config, section, name).isEmpty()) {
            throw new EditException(EditException.NOT_FOUND, source + ": no object called '" + name + "' in " + section);
        }
        return read(config, section, items(config, section, name));
    }

    private static int indexOf(GostConfig config, String section, String name) {
        List<Map<String, Object>> all = list(config, section);
        for (int i = 0; i < all.size(); i++) {
            if (name.equals(all.get(i).get("name"))) {
                return i;
            }
        }
        return all.size();
    }

    /** The section's current objects as tree nodes, without the one called {@code without}. */
    private static List<ConfigTree> items(GostConfig config, String section, String without) {
        List<ConfigTree> items = new ArrayList<>();
        for (Map<String, Object> item : list(config, section)) {
            if (without == null || !without.equals(item.get("name"))) {
                items.add(node(item));
            }
        }
        return items;
    }

    /** The whole document with {@code section} holding {@code items}, read again. */
    private static GostConfig read(GostConfig config, String section, List<ConfigTree> items) {
        Map<String, Object> written = ConfigWriter.tree(config);
        List<Entry> entries = new ArrayList<>();
        boolean placed = false;
        for (Map.Entry<String, Object> entry : written.entrySet()) {
            if (entry.getKey().equals(section)) {
                entries.add(new Entry(section, 0, new ListNode(items, 0, RUNNING)));
                placed = true;
            } else {
                entries.add(new Entry(entry.getKey(), 0, node(entry.getValue())));
            }
        }
        if (!placed && !items.isEmpty()) {
            entries.add(new Entry(section, 0, new ListNode(items, 0, RUNNING)));
        }
        GostConfig edited = ConfigTreeMapper.map(new MapNode(entries, 0, RUNNING), config.source());
        // The command line's -api and -metrics are part of the running configuration, not of an object.
        return edited.withOperations(config.api(), config.metrics());
    }

    private static MapNode object(String body, String source) {
        if (body == null || body.isBlank()) {
            throw new EditException(EditException.INVALID, source + ": the request has no body; send the object as JSON");
        }
        ConfigTree tree = stamped(YamlConfigLoader.tree(new StringReader(body), source), source);
        if (!(tree instanceof MapNode map)) {
            throw new EditException(EditException.INVALID, source + ": expected the object as a JSON object, got "
                    + (tree == null ? "nothing" : tree.kind()));
        }
        return map;
    }

    private static Optional<String> nameOf(MapNode object) {
        return object.entries().stream()
                .filter(entry -> entry.key().toLowerCase(Locale.ROOT).equals("name"))
                .map(entry -> entry.value() instanceof ScalarNode scalar && scalar.value() != null
                        ? String.valueOf(scalar.value()) : "")
                .findFirst();
    }

    private static String name(MapNode object, String source) {
        String name = nameOf(object).orElse("");
        if (name.isBlank()) {
            throw new EditException(EditException.INVALID, source + ": the object needs a name");
        }
        return name;
    }

    /** The nodes of a request body, each saying it came from the request (the parser leaves that empty). */
    private static ConfigTree stamped(ConfigTree node, String source) {
        if (node == null) {
            return null;
        }
        if (node instanceof MapNode map) {
            List<Entry> entries = new ArrayList<>();
            map.entries().forEach(entry -> entries.add(new Entry(entry.key(), entry.line(), stamped(entry.value(), source))));
            return new MapNode(entries, map.line(), source);
        }
        if (node instanceof ListNode list) {
            List<ConfigTree> items = new ArrayList<>();
            list.items().forEach(item -> items.add(stamped(item, source)));
            return new ListNode(items, list.line(), source);
        }
        ScalarNode scalar = (ScalarNode) node;
        return new ScalarNode(scalar.value(), scalar.line(), source);
    }

    /** A written value as a tree node of the running configuration. */
    private static ConfigTree node(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<Entry> entries = new ArrayList<>();
            map.forEach((key, item) -> entries.add(new Entry(String.valueOf(key), 0, node(item))));
            return new MapNode(entries, 0, RUNNING);
        }
        if (value instanceof List<?> list) {
            List<ConfigTree> items = new ArrayList<>();
            list.forEach(item -> items.add(node(item)));
            return new ListNode(items, 0, RUNNING);
        }
        return new ScalarNode(value, 0, RUNNING);
    }

    /** {@code config} as a tree of maps and lists, GOST's field names ({@code GET /config}). */
    public static Map<String, Object> written(GostConfig config) {
        return new LinkedHashMap<>(ConfigWriter.tree(config));
    }
}
