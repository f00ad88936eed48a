package io.gost.runtime.config;

import io.gost.runtime.config.ConfigTree.Entry;
import io.gost.runtime.config.ConfigTree.ListNode;
import io.gost.runtime.config.ConfigTree.MapNode;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads GOST's YAML configuration files (the format of {@code gost -C gost.yaml}).
 *
 * <p>The document is composed into snakeyaml's node tree rather than constructed into Java maps, so every
 * value keeps its line for error messages. Scalars are typed as GOST's YAML library would type them:
 * {@code true}/{@code false}, numbers, null; {@code yes}/{@code on} stay strings (YAML 1.2).
 */
public final class YamlConfigLoader {

    /** Deeper than any sensible configuration; stops self-referencing aliases from recursing forever. */
    private static final int MAX_DEPTH = 64;

    /** Loads a YAML file; messages name the file as {@code file} is written. */
    public GostConfig load(Path file) {
        return parse(ConfigLoader.read(file), file.toString());
    }

    /**
     * Parses YAML text.
     *
     * @param text   the document
     * @param source the name used in messages and as {@link GostConfig#source()}
     * @throws ConfigException for syntax errors and every problem with the content
     */
    public GostConfig parse(String text, String source) {
        return parse(new StringReader(text), source);
    }

    /** Parses a YAML document read from {@code reader}, which is not closed. */
    public GostConfig parse(Reader reader, String source) {
        return ConfigTreeMapper.map(tree(reader, source), source);
    }

    /** The document as a {@link ConfigTree}, or {@code null} when it is empty. */
    static ConfigTree tree(Reader reader, String source) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            throw syntaxError(e, source);
        } catch (YAMLException e) {
            throw new ConfigException(new Origin(source, 0, ""), "YAML error: " + e.getMessage());
        }
        return root == null ? null : new Converter(source).convert(root, 0);
    }

    private static ConfigException syntaxError(MarkedYAMLException e, String source) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        int line = mark == null ? 0 : mark.getLine() + 1;
        StringBuilder message = new StringBuilder("YAML syntax error: ").append(e.getProblem());
        if (e.getContext() != null) {
            message.append(" (").append(e.getContext());
            if (e.getContextMark() != null && e.getContextMark().getLine() + 1 != line) {
                message.append(" that started at line ").append(e.getContextMark().getLine() + 1);
            }
            message.append(')');
        }
        String problem = String.valueOf(e.getProblem());
        if (problem.contains("<block") || problem.contains("mapping values are not allowed")) {
            message.append("; check the indentation and that every key is followed by ': '");
        }
        return new ConfigException(new Origin(source, line, ""), message.toString(), e);
    }

    /** Translates snakeyaml nodes into {@link ConfigTree} values. */
    private static final class Converter {
        private final String source;

        Converter(String source) {
            this.source = source;
        }

        ConfigTree convert(Node node, int depth) {
            int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
            if (depth > MAX_DEPTH) {
                throw new ConfigException(new Origin(source, line, ""),
                        "the document nests deeper than " + MAX_DEPTH + " levels (a recursive alias?)");
            }
            if (node instanceof MappingNode mapping) {
                List<Entry> entries = new ArrayList<>();
                addEntries(mapping, entries, new HashSet<>(), false, depth);
                return new MapNode(entries, line, null);
            }
            if (node instanceof SequenceNode sequence) {
                List<ConfigTree> items = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    items.add(convert(item, depth + 1));
                }
                return new ListNode(items, line, null);
            }
            return new ConfigTree.ScalarNode(scalar((ScalarNode) node), line, null);
        }

        /**
         * Adds the keys of {@code mapping}, then the keys of YAML merge keys ({@code <<: *defaults}) that
         * the mapping does not set itself, as YAML's merge rule says.
         */
        private void addEntries(MappingNode mapping, List<Entry> entries, Set<String> seen, boolean merging,
                                int depth) {
            List<Node> merges = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (keyNode.getTag().equals(Tag.MERGE)) {
                    merges.add(tuple.getValueNode());
                    continue;
                }
                int keyLine = keyNode.getStartMark() == null ? 0 : keyNode.getStartMark().getLine() + 1;
                if (!(keyNode instanceof ScalarNode keyScalar)) {
                    throw new ConfigException(new Origin(source, keyLine, ""),
                            "a key must be a plain word, not a list or map");
                }
                String key = keyScalar.getValue();
                // A key written twice stays twice, for the mapper to report; merged keys never override.
                if (seen.add(key) || !merging) {
                    entries.add(new Entry(key, keyLine, convert(tuple.getValueNode(), depth + 1)));
                }
            }
            for (Node merge : merges) {
                if (merge instanceof MappingNode mergedMapping) {
                    addEntries(mergedMapping, entries, seen, true, depth + 1);
                } else if (merge instanceof SequenceNode sequence) {
                    for (Node item : sequence.getValue()) {
                        if (item instanceof MappingNode mergedMapping) {
                            addEntries(mergedMapping, entries, seen, true, depth + 1);
                        }
                    }
                }
            }
        }

        /** A scalar typed by its resolved YAML tag. */
        private static Object scalar(ScalarNode node) {
            String text = node.getValue();
            Tag tag = node.getTag();
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                String lower = text.toLowerCase(Locale.ROOT);
                // YAML 1.1 also reads yes/no/on/off as booleans; GOST's YAML 1.2 library keeps them strings.
                return lower.equals("true") || lower.equals("false") ? Boolean.valueOf(lower) : text;
            }
            if (tag.equals(Tag.INT)) {
                try {
                    long value = Long.parseLong(text.replace("_", ""));
                    return value == (int) value ? (Object) (int) value : (Object) value;
                } catch (NumberFormatException e) {
                    return text; // hex, octal or sexagesimal forms: left as written
                }
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return Double.parseDouble(text.replace("_", ""));
                } catch (NumberFormatException e) {
                    return text;
                }
            }
            return text;
        }
    }
}
