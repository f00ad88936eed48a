package io.gost.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads a configuration file with the front end its extension names: {@code .yaml}/{@code .yml} as YAML,
 * {@code .conf}/{@code .hocon} as HOCON, {@code .json} as JSON, and {@code -} as YAML from standard input
 * (GOST's {@code -C -}). As GOST's {@code -C}, a value starting with <code>{</code> is the configuration
 * itself, as JSON.
 */
public final class ConfigLoader {

    /** The name {@code -} stands for standard input. */
    public static final String STDIN = "-";

    private ConfigLoader() {
    }

    /**
     * The configuration in {@code path}; {@code -} reads YAML from {@link System#in}.
     *
     * @throws ConfigException when the file cannot be read, has an unknown extension, or is not valid
     */
    public static GostConfig load(Path path) {
        return load(path, System.in);
    }

    /** As {@link #load(Path)}, reading {@code -} from {@code stdin} (which is not closed). */
    public static GostConfig load(Path path, InputStream stdin) {
        String text = path.toString();
        if (text.startsWith("{")) {
            // GOST's -C also takes the configuration itself, as JSON.
            return new HoconConfigLoader().parse(text, "-C inline.json");
        }
        if (text.matches("(?i)https?:/.*")) {
            throw new ConfigException(new Origin("-C '" + text + "'", 0, ""), Unsupported.message(
                    "a configuration read from a URL", "ops") + " (save it to a file and give that)");
        }
        if (STDIN.equals(text)) {
            return new YamlConfigLoader().parse(new InputStreamReader(stdin, StandardCharsets.UTF_8), "<stdin>");
        }
        Path fileName = path.getFileName();
        String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return new YamlConfigLoader().load(path);
        }
        if (name.endsWith(".conf") || name.endsWith(".hocon") || name.endsWith(".json")) {
            return new HoconConfigLoader().load(path);
        }
        throw new ConfigException(new Origin(path.toString(), 0, ""),
                "unknown config file type, use .yaml, .yml, .conf or .json");
    }

    /** The text of {@code file} as UTF-8, or a {@link ConfigException} saying why it cannot be read. */
    static String read(Path file) {
        requireReadable(file);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new ConfigException(new Origin(file.toString(), 0, ""), "the file is not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(new Origin(file.toString(), 0, ""), "cannot read the file: " + e, e);
        }
    }

    static void requireReadable(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigException(new Origin(file.toString(), 0, ""), "no such file",
                    new NoSuchFileException(file.toString()));
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(new Origin(file.toString(), 0, ""), "is a directory, not a config file");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(new Origin(file.toString(), 0, ""),
                    "cannot read the file (check its permissions)");
        }
    }
}
