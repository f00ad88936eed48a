package io.gost.logging;

import io.gost.runtime.config.LogConfig;
import io.gost.runtime.logging.LogBackend;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LifeCycle;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jContextFactory;
import org.apache.logging.log4j.status.StatusLogger;
import org.apache.logging.log4j.util.PropertiesUtil;

/**
 * The runtime's {@link LogBackend} on Log4j: a changed {@code log} section (a reload) becomes a new
 * {@link GostLogConfiguration}; SIGUSR1 builds the same one again, which opens the file anew. A Log4j
 * configuration file of the user's own is left alone (and reread on SIGUSR1, which reopens its files too).
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class GostLogBackend implements LogBackend {

    /** Whether the first {@link #apply} has tried to start Log4j with gost's configuration directly. */
    private static final AtomicBoolean START_TRIED = new AtomicBoolean();

    @Override
    public boolean apply(LogConfig log) {
        if (!START_TRIED.getAndSet(true)) {
            startLog4j();
        }
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

    /**
     * Starts Log4j with gost's configuration, from the system properties the runtime has just set from the
     * configuration's {@code log} section (so once, with the final settings), when nothing has logged yet
     * and the configuration is the one {@link GostConfigurationFactory} would give: {@code bin/gost} named
     * that factory and the user named no Log4j file. Why not let Log4j start itself at the first log call:
     * it would first ask its {@code ConfigurationFactory} registry, which loads every factory plugin and
     * sorts them by reading their annotations, a few percent of a start, to end up with the same
     * configuration. In every other case Log4j starts as it always does, at the first log call.
     */
    private static void startLog4j() {
        PropertiesUtil properties = PropertiesUtil.getProperties();
        if (!GostConfigurationFactory.class.getName().equals(
                properties.getStringProperty(ConfigurationFactory.CONFIGURATION_FACTORY_PROPERTY))
                || properties.getStringProperty(ConfigurationFactory.CONFIGURATION_FILE_PROPERTY) != null
                || !(LogManager.getFactory() instanceof Log4jContextFactory factory)) {
            return;
        }
        // The context SLF4J's loggers and LogManager.getContext(false) find: the one of the class loader
        // of lib/, where this module and the runtime live.
        LoggerContext context = factory.getSelector().getContext(LogManager.class.getName(),
                GostLogBackend.class.getClassLoader(), false);
        if (context.getState() == LifeCycle.State.INITIALIZED) {
            context.start(GostLogConfiguration.fromSystemProperties(context));
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
