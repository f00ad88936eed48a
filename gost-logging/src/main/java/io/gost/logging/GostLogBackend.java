package io.gost.logging;

import io.gost.runtime.config.LogConfig;
import io.gost.runtime.logging.LogBackend;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * The runtime's {@link LogBackend} on Log4j: a changed {@code log} section (a reload) becomes a new
 * {@link GostLogConfiguration}; SIGUSR1 builds the same one again, which opens the file anew. A Log4j
 * configuration file of the user's own is left alone (and reread on SIGUSR1, which reopens its files too).
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class GostLogBackend implements LogBackend {

    @Override
    public boolean apply(LogConfig log) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration current = context.getConfiguration();
        if (!(current instanceof GostLogConfiguration gost)) {
            return false;
        }
        LogSettings settings = settings(log, gost.settings().nettyLevel());
        if (!settings.equals(gost.settings())) {
            context.setConfiguration(new GostLogConfiguration(context, settings, gost.generation() + 1));
        }
        return true;
    }

    @Override
    public void reopen() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration current = context.getConfiguration();
        if (current instanceof GostLogConfiguration gost) {
            context.setConfiguration(new GostLogConfiguration(context, gost.settings(), gost.generation() + 1));
        } else {
            context.reconfigure();
        }
    }

    static LogSettings settings(LogConfig log, Level nettyLevel) {
        Level level = Level.getLevel(log.level().toUpperCase(Locale.ROOT));
        if (level == null) {
            StatusLogger.getLogger().warn("gost: log level '{}' is not a log level; logging at info", log.level());
            level = Level.INFO;
        }
        LogSettings.Format format = log.format().equalsIgnoreCase("json") ? LogSettings.Format.JSON
                : LogSettings.Format.TEXT;
        LogConfig.Rotation rotation = log.rotation();
        return new LogSettings(level, format, nettyLevel, log.output(), rotation == null ? null
                : new LogSettings.Rotation(rotation.maxSize(), rotation.maxAge(), rotation.maxBackups(),
                        rotation.localTime(), rotation.compress()));
    }
}
