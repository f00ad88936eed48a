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
 *     set-up at length).
 * </ul>
 * A value that is none of these is reported (on stderr, through Log4j's status logger) and the default
 * is used: logging must not stop gost from starting, and GOST itself logs at info when the level is unknown.
 */
record LogSettings(Level level, Format format, Level nettyLevel) {

    static final String LEVEL_PROPERTY = "gost.log.level";
    static final String FORMAT_PROPERTY = "gost.log.format";
    static final String NETTY_LEVEL_PROPERTY = "gost.netty.log.level";

    /** The line format. */
    enum Format {
        /** {@code 2025-01-31T12:00:00,000 INFO  [thread] i.g.r.s.Service message}. */
        TEXT,
        /** {@code {"time":"...","level":"info","logger":"...","thread":"...","msg":"..."}}. */
        JSON
    }

    static final LogSettings DEFAULT = new LogSettings(Level.INFO, Format.TEXT, Level.INFO);

    /** The settings the system properties ask for; {@code problems} hears of each value that was not understood. */
    static LogSettings fromSystemProperties(Consumer<String> problems) {
        return new LogSettings(
                level(LEVEL_PROPERTY, DEFAULT.level(), problems),
                format(problems),
                level(NETTY_LEVEL_PROPERTY, DEFAULT.nettyLevel(), problems));
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
