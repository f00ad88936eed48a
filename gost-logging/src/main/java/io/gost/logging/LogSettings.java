package io.gost.logging;

import java.util.Locale;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;

/**
 * How gost logs: the level of its own loggers, the line format, and the level of Netty's loggers.
 *
 * <p>They come from system properties, which {@code gost -D}/{@code -DD}, the configuration's {@code log}
 * section and {@code JAVA_OPTS} set before anything logs:
 * <ul>
 * <li>{@code gost.log.level}: a Log4j level name ({@code trace}, {@code debug}, {@code info}, {@code warn},
 *     {@code error}, {@code fatal}, {@code off}), any case; default {@code info};
 * <li>{@code gost.log.format}: {@code text} (default) or {@code json}, one JSON object per line;
 * <li>{@code gost.netty.log.level}: Netty's own loggers, default {@code info} (at debug Netty reports its
 *     set-up at length);
 * <li>{@code gost.log.output} and {@code gost.log.rotation}: where lines go, GOST's {@code log.output} and
 *     {@code log.rotation} (see {@link #OUTPUT_PROPERTY}, {@link #ROTATION_PROPERTY}).
 * </ul>
 * A value that is none of these is reported (on stderr, through Log4j's status logger) and the default
 * is used: logging must not stop gost from starting, and GOST itself logs at info when the level is unknown.
 */
record LogSettings(Level level, Format format, Level nettyLevel, String output, Rotation rotation) {

    static final String LEVEL_PROPERTY = "gost.log.level";
    static final String FORMAT_PROPERTY = "gost.log.format";
    static final String NETTY_LEVEL_PROPERTY = "gost.netty.log.level";
    /** {@code stderr} (default), {@code stdout}, {@code none}, or a file path: GOST's {@code log.output}. */
    static final String OUTPUT_PROPERTY = "gost.log.output";
    /** {@code maxSize=100,maxAge=0,maxBackups=0,localTime=false,compress=false}: GOST's {@code log.rotation}. */
    static final String ROTATION_PROPERTY = "gost.log.rotation";

    LogSettings {
        output = output == null || output.isBlank() ? "stderr" : output.trim();
        if (isStream(output)) {
            output = output.toLowerCase(Locale.ROOT).equals("null") ? "none" : output.toLowerCase(Locale.ROOT);
            rotation = null;
        }
    }

    /** Settings that log to stderr. */
    LogSettings(Level level, Format format, Level nettyLevel) {
        this(level, format, nettyLevel, "stderr", null);
    }

    static boolean isStream(String output) {
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "stderr", "stdout", "none", "null" -> true;
            default -> false;
        };
    }

    /** True when the output is a file. */
    boolean toFile() {
        return !isStream(output);
    }

    /**
     * GOST's rotation (lumberjack's): {@code maxSize} megabytes (0: 100), {@code maxAge} days to keep (0:
     * forever), {@code maxBackups} files to keep (0: all), names in local time or UTC, gzip or not.
     */
    record Rotation(int maxSize, int maxAge, int maxBackups, boolean localTime, boolean compress) {

        int effectiveMaxSize() {
            return maxSize <= 0 ? 100 : maxSize;
        }

        /** {@code maxSize=...,maxAge=...}: what {@link #ROTATION_PROPERTY} holds; {@code null} for none. */
        static Rotation parse(String text, Consumer<String> problems) {
            if (text == null || text.isBlank()) {
                return null;
            }
            int maxSize = 0;
            int maxAge = 0;
            int maxBackups = 0;
            boolean localTime = false;
            boolean compress = false;
            for (String pair : text.split(",")) {
                String[] keyValue = pair.split("=", 2);
                String key = keyValue[0].trim();
                String value = keyValue.length > 1 ? keyValue[1].trim() : "";
                try {
                    switch (key) {
                        case "maxSize" -> maxSize = Integer.parseInt(value);
                        case "maxAge" -> maxAge = Integer.parseInt(value);
                        case "maxBackups" -> maxBackups = Integer.parseInt(value);
                        case "localTime" -> localTime = Boolean.parseBoolean(value);
                        case "compress" -> compress = Boolean.parseBoolean(value);
                        default -> problems.accept("-D" + ROTATION_PROPERTY + ": unknown key '" + key + "'");
                    }
                } catch (NumberFormatException e) {
                    problems.accept("-D" + ROTATION_PROPERTY + ": " + key + " is not a number: '" + value + "'");
                }
            }
            return new Rotation(maxSize, maxAge, maxBackups, localTime, compress);
        }
    }

    /** The line format. */
    enum Format {
        /** {@code 2025-01-31T12:00:00,000 INFO  [thread] i.g.r.s.Service message}. */
        TEXT,
        /** {@code {"time":"...","level":"info","logger":"...","thread":"...","msg":"..."}}. */
        JSON
    }

    static final LogSettings DEFAULT = new LogSettings(Level.INFO, Format.TEXT, Level.INFO, "stderr", null);

    /** The settings the system properties ask for; {@code problems} hears of each value that was not understood. */
    static LogSettings fromSystemProperties(Consumer<String> problems) {
        return new LogSettings(
                level(LEVEL_PROPERTY, DEFAULT.level(), problems),
                format(problems),
                level(NETTY_LEVEL_PROPERTY, DEFAULT.nettyLevel(), problems),
                System.getProperty(OUTPUT_PROPERTY),
                Rotation.parse(System.getProperty(ROTATION_PROPERTY), problems));
    }

    private static Level level(String property, Level fallback, Consumer<String> problems) {
        String name = System.getProperty(property);
        if (name == null) {
            return fallback;
        }
        Level level = name.isBlank() ? null : Level.getLevel(name.trim().toUpperCase(Locale.ROOT));
        if (level == null) {
            problems.accept("-D" + property + "=" + name + " is not a log level (trace, debug, info, warn, error, fatal"
                    + " or off); logging at " + fallback.name().toLowerCase(Locale.ROOT));
            return fallback;
        }
        return level;
    }

    private static Format format(Consumer<String> problems) {
        String name = System.getProperty(FORMAT_PROPERTY);
        if (name == null) {
            return DEFAULT.format();
        }
        for (Format format : Format.values()) {
            if (format.name().equalsIgnoreCase(name.trim())) {
                return format;
            }
        }
        problems.accept("-D" + FORMAT_PROPERTY + "=" + name + " is not a log format (text or json); logging as text");
        return DEFAULT.format();
    }
}
