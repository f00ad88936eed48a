package io.gost.runtime.cli;

import io.gost.runtime.config.LogConfig;
import io.gost.runtime.logging.LogBackend;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration's {@code log} section, applied at start and at every reload. The level comes from
 * {@code -D}/{@code -DD} (or {@code JAVA_OPTS=-Dgost.log.level}) first, then GOST's {@code GOST_LOGGER_LEVEL},
 * then the file; the format from {@code -Dgost.log.format} first, then the file.
 *
 * <p>Before anything logs, the settings are also put into the system properties gost-logging builds its
 * first configuration from, so that the start builds it once.
 */
final class Logging {

    static final String LEVEL_ENV = "GOST_LOGGER_LEVEL";
    static final String LEVEL_PROPERTY = "gost.log.level";
    static final String FORMAT_PROPERTY = "gost.log.format";
    static final String OUTPUT_PROPERTY = "gost.log.output";
    static final String ROTATION_PROPERTY = "gost.log.rotation";

    /** What the command line and JAVA_OPTS said, read once: they win over every configuration. */
    private static String levelOverride;
    private static String formatOverride;
    private static boolean started;
    private static Optional<LogBackend> backend;

    private Logging() {
    }

    /** Makes the logging follow {@code log}, with the overrides. */
    static synchronized void apply(LogConfig log) {
        if (!started) {
            started = true;
            levelOverride = System.getProperty(LEVEL_PROPERTY);
            if (levelOverride == null) {
                String env = System.getenv(LEVEL_ENV);
                levelOverride = env == null || env.isBlank() ? null : env.trim();
            }
            formatOverride = System.getProperty(FORMAT_PROPERTY);
        }
        LogConfig effective = new LogConfig(levelOverride != null ? levelOverride : log.level(),
                formatOverride != null ? formatOverride : log.format(), log.output(), log.rotation());
        System.setProperty(LEVEL_PROPERTY, effective.level());
        System.setProperty(FORMAT_PROPERTY, effective.format());
        System.setProperty(OUTPUT_PROPERTY, effective.output());
        LogConfig.Rotation rotation = effective.rotation();
        if (rotation == null) {
            System.clearProperty(ROTATION_PROPERTY);
        } else {
            System.setProperty(ROTATION_PROPERTY, "maxSize=" + rotation.maxSize() + ",maxAge=" + rotation.maxAge()
                    + ",maxBackups=" + rotation.maxBackups() + ",localTime=" + rotation.localTime() + ",compress="
                    + rotation.compress());
        }
        Optional<LogBackend> found = backend();
        if (found.isPresent()) {
            if (!found.get().apply(effective) && !effective.equals(LogConfig.DEFAULT)) {
                logger().warn("log settings of the configuration (output {}, format {}) are not used: a Log4j"
                        + " configuration file of your own is in charge", effective.output(), effective.format());
            }
        } else if (effective.toFile() || !effective.output().equals("stderr")) {
            logger().warn("log.output '{}' is not used: gost's logging (gost-logging) is not installed",
                    effective.output());
        }
    }

    /** SIGUSR1: reopen the log files. */
    static void reopen() {
        backend().ifPresent(LogBackend::reopen);
    }

    private static synchronized Optional<LogBackend> backend() {
        if (backend == null) {
            backend = ServiceLoader.load(LogBackend.class).findFirst();
        }
        return backend;
    }

    private static Logger logger() {
        return LoggerFactory.getLogger(Logging.class);
    }
}
