package io.gost.runtime.config;

import java.util.Locale;

/**
 * GOST's {@code log} block.
 *
 * @param level    {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error}, {@code fatal}
 * @param format   {@code text} or {@code json}
 * @param output   {@code stderr}, {@code stdout}, {@code none} (GOST also says {@code null}), or a file path
 * @param rotation how a file output is rotated, or {@code null} for never (and for the other outputs)
 */
public record LogConfig(String level, String format, String output, Rotation rotation) {

    public static final LogConfig DEFAULT = new LogConfig("info", "text", "stderr", null);

    public LogConfig {
        level = level == null || level.isBlank() ? "info" : level.trim().toLowerCase(Locale.ROOT);
        format = format == null || format.isBlank() ? "text" : format.trim().toLowerCase(Locale.ROOT);
        output = output == null || output.isBlank() ? "stderr" : output.trim();
        if (output.equalsIgnoreCase("null")) {
            output = "none";
        }
        if (isStream(output) && rotation != null) {
            rotation = null;
        }
    }

    /** A block without rotation. */
    public LogConfig(String level, String format, String output) {
        this(level, format, output, null);
    }

    /** True for {@code stderr}, {@code stdout} and {@code none}: not a file. */
    public static boolean isStream(String output) {
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "stderr", "stdout", "none" -> true;
            default -> false;
        };
    }

    /** True when the output is a file. */
    public boolean toFile() {
        return !isStream(output);
    }

    /**
     * GOST's {@code log.rotation} (lumberjack's options), for a file output.
     *
     * @param maxSize    megabytes before the file is rotated (GOST: 0 means 100)
     * @param maxAge     days to keep rotated files; 0 keeps them
     * @param maxBackups rotated files to keep; 0 keeps all
     * @param localTime  local time in the rotated files' names (UTC by default)
     * @param compress   gzip rotated files
     */
    public record Rotation(int maxSize, int maxAge, int maxBackups, boolean localTime, boolean compress) {

        public Rotation {
            if (maxSize < 0 || maxAge < 0 || maxBackups < 0) {
                throw new IllegalArgumentException("rotation sizes and counts are 0 or more");
            }
        }

        /** {@code maxSize} with GOST's default: 0 means 100 MB. */
        public int effectiveMaxSize() {
            return maxSize == 0 ? 100 : maxSize;
        }
    }
}
