package io.gost.runtime.config;

import java.util.Locale;

/**
 * GOST's {@code log} block.
 *
 * @param level  {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error}
 * @param format {@code text} or {@code json}
 * @param output {@code stderr}, {@code stdout}, or a file path
 */
public record LogConfig(String level, String format, String output) {

    public static final LogConfig DEFAULT = new LogConfig("info", "text", "stderr");

    public LogConfig {
        level = level == null || level.isBlank() ? "info" : level.trim().toLowerCase(Locale.ROOT);
        format = format == null || format.isBlank() ? "text" : format.trim().toLowerCase(Locale.ROOT);
        output = output == null || output.isBlank() ? "stderr" : output.trim();
    }
}
