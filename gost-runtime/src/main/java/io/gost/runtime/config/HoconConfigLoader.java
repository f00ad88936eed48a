package io.gost.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.gost.runtime.config.ConfigTree.Entry;
import io.gost.runtime.config.ConfigTree.ListNode;
import io.gost.runtime.config.ConfigTree.MapNode;
import io.gost.runtime.config.ConfigTree.ScalarNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HOCON ({@code .conf}, {@code .hocon}) and JSON ({@code .json}) configuration files with GOST's
 * field names, through typesafe-config.
 *
 * <p>Substitutions ({@code ${var}}, including environment variables) are resolved and {@code include}s
 * are followed relative to the file. An unquoted dotted key is a path in HOCON ({@code netns.out = x}
 * nests {@code out} under {@code netns}); metadata flattens such nesting back to the dotted key, so it
 * means the same as the quoted {@code "netns.out" = x}. Beware that HOCON lets a nested {@code netns}
 * object replace an earlier {@code netns = ns1} in the same block: quote {@code "netns.out"} when both are
 * set.
 */
public final class HoconConfigLoader {

    /** Loads a HOCON file, or a JSON file when its name ends in {@code .json}. */
    public GostConfig load(Path file) {
        ConfigLoader.requireReadable(file);
        String source = file.toString();
        ConfigSyntax syntax = syntaxOf(source);
        Config config;
        try {
            config = ConfigFactory.parseFile(file.toFile(), options(syntax)).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw translate(e, source, syntax, () -> ConfigLoader.read(file));
        }
        return ConfigTreeMapper.map(new Converter(source).convert(config.root()), source);
    }

    /**
     * Parses HOCON text, or JSON when {@code source} ends in {@code .json}.
     *
     * @param text   the document
     * @param source the name used in messages and as {@link GostConfig#source()}
     * @throws ConfigException for syntax errors and every problem with the content
     */
    public GostConfig parse(String text, String source) {
        ConfigSyntax syntax = syntaxOf(source);
        Config config;
        try {
            config = ConfigFactory.parseString(text, options(syntax).setOriginDescription(source)).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw translate(e, source, syntax, () -> text);
        }
        return ConfigTreeMapper.map(new Converter(source).convert(config.root()), source);
    }

    private static ConfigSyntax syntaxOf(String source) {
        return source.toLowerCase(Locale.ROOT).endsWith(".json") ? ConfigSyntax.JSON : ConfigSyntax.CONF;
    }

    private static ConfigParseOptions options(ConfigSyntax syntax) {
        return ConfigParseOptions.defaults().setSyntax(syntax).setAllowMissing(false);
    }

    private static ConfigException translate(com.typesafe.config.ConfigException e, String source,
                                             ConfigSyntax syntax, java.util.function.Supplier<String> text) {
        ConfigOrigin origin = e.origin();
        String message = e.getMessage();
        int line = 0;
        String where = source;
        if (origin != null) {
            line = Math.max(origin.lineNumber(), 0);
            if (origin.filename() != null && !origin.filename().equals(source)) {
                where = origin.filename(); // the error is in an included file
            }
            // typesafe-config starts its messages with the origin; ours carries it in the Origin instead.
            String prefix = origin.description() + ": ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
        }
        boolean syntaxError = e instanceof com.typesafe.config.ConfigException.Parse;
        String kind = syntaxError ? (syntax == ConfigSyntax.JSON ? "JSON syntax error: " : "HOCON syntax error: ") : "";
        if (syntaxError && where.equals(source)) {
            // A bracket left open is reported where the parser gave up; name where it was opened instead.
            java.util.Optional<Brackets.Mismatch> mismatch = Brackets.find(text.get());
            if (mismatch.isPresent()) {
                return new ConfigException(new Origin(where, mismatch.get().line(), ""), kind
                        + mismatch.get().message(), e);
            }
        }
        return new ConfigException(new Origin(where, line, ""), kind + message, e);
    }

    /** Translates typesafe-config values into {@link ConfigTree} values. */
    private static final class Converter {
        private final String source;

        Converter(String source) {
            this.source = source;
        }

        ConfigTree convert(ConfigValue value) {
            int line = Math.max(value.origin().lineNumber(), 0);
            String file = value.origin().filename();
            String otherSource = file != null && !file.equals(source) ? file : null;
            if (value instanceof ConfigObject object) {
                // HOCON objects do not keep key order; document order (by line) gives stable messages.
                List<Entry> entries = new ArrayList<>();
                object.entrySet().stream()
                        .sorted(Comparator.comparingInt((Map.Entry<String, ConfigValue> entry) ->
                                        Math.max(entry.getValue().origin().lineNumber(), 0))
                                .thenComparing(Map.Entry::getKey))
                        .forEach(entry -> entries.add(new Entry(entry.getKey(),
                                Math.max(entry.getValue().origin().lineNumber(), 0), convert(entry.getValue()))));
                return new MapNode(entries, line, otherSource);
            }
            if (value instanceof ConfigList list) {
                List<ConfigTree> items = new ArrayList<>();
                list.forEach(item -> items.add(convert(item)));
                return new ListNode(items, line, otherSource);
            }
            Object scalar = value.valueType() == ConfigValueType.NULL ? null : value.unwrapped();
            return new ScalarNode(scalar, line, otherSource);
        }
    }
}
