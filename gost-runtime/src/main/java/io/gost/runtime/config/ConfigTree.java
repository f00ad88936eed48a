package io.gost.runtime.config;

import java.util.List;

/**
 * A configuration document as a format-neutral tree of maps, lists and scalars, each remembering the
 * line it came from. The YAML and HOCON/JSON front ends translate their parsers' trees into this one so
 * that {@link ConfigTreeMapper} holds the schema exactly once.
 */
sealed interface ConfigTree permits ConfigTree.MapNode, ConfigTree.ListNode, ConfigTree.ScalarNode {

    /** The 1-based line the value starts on, or 0 when the parser does not know. */
    int line();

    /**
     * The file this value came from when it differs from the document's own (a HOCON {@code include}),
     * or {@code null}.
     */
    String source();

    /** How the value is called in messages: "a map", "a list", "a string" ... */
    String kind();

    /**
     * One key of a map with the line the key is written on.
     *
     * @param key   the key exactly as written (HOCON's quoted {@code "netns.out"} is one key)
     * @param line  1-based line of the key, or 0
     * @param value never {@code null}; a YAML/HOCON null is a {@link ScalarNode} holding {@code null}
     */
    record Entry(String key, int line, ConfigTree value) {
    }

    /** A map, keys in document order. */
    record MapNode(List<Entry> entries, int line, String source) implements ConfigTree {
        public MapNode {
            entries = List.copyOf(entries);
        }

        @Override
        public String kind() {
            return "a map";
        }
    }

    /** A list. */
    record ListNode(List<ConfigTree> items, int line, String source) implements ConfigTree {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A string, number, boolean or null. */
    record ScalarNode(Object value, int line, String source) implements ConfigTree {

        @Override
        public String kind() {
            if (value == null) {
                return "nothing (null)";
            }
            if (value instanceof Number) {
                return "a number (" + value + ")";
            }
            if (value instanceof Boolean) {
                return "a boolean (" + value + ")";
            }
            return "a string ('" + value + "')";
        }
    }
}
