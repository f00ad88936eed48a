package io.gost.logging;

import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.status.StatusConfiguration;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * gost's logging, built in code from {@link LogSettings}: the one definition of what {@code bin/gost}
 * logs, where and in which format, unless the user gives Log4j a configuration file of their own.
 *
 * <p>Everything goes to stderr, so that stdout stays clean for output a script reads ({@code -O},
 * {@code check}, {@code -V}). Two appenders: {@code stderr} for the root logger, and {@code connections}
 * for {@code gost.connection}, the one event per finished connection (not additive, so it is written once).
 *
 * <p>Why in code, not in a {@code log4j2.xml}: Log4j builds a configuration from XML with the JDK's DOM
 * parser and then creates every element by reflection from its plugin annotations (each annotation type a
 * dynamic proxy class that class-data sharing cannot keep), about a tenth of the time until gost serves.
 * Built directly from the same builders it costs a fraction of that; and the configuration's {@code log}
 * section (GOST's output, rotation, format and level) maps onto these builders more simply than onto a file.
 */
final class GostLogConfiguration extends AbstractConfiguration {

    /** The JSON line of the {@code stderr} appender. */
    static final String JSON_PATTERN = "{\"time\":\"%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}\",\"level\":\"%level{lowerCase=true}\","
            + "\"logger\":\"%enc{%c}{JSON}\",\"thread\":\"%enc{%t}{JSON}\",\"msg\":\"%enc{%m}{JSON}\""
            + "%notEmpty{,\"error\":\"%enc{%throwable}{JSON}\"}}%n";
    /**
     * The JSON line of the {@code connections} appender. The runtime's message is already a list of JSON
     * fields with GOST's names, without braces (msg, kind, service, sid, client, dst, node, inputBytes,
     * outputBytes, duration, error): they become top-level fields of the line instead of being escaped
     * into one "msg" string.
     */
    static final String JSON_CONNECTION_PATTERN = "{\"time\":\"%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}\","
            + "\"level\":\"%level{lowerCase=true}\",\"logger\":\"%enc{%c}{JSON}\",%m}%n";
    /** The text line of both appenders. */
    static final String TEXT_PATTERN = "%d{ISO8601} %-5level [%t] %c{1.} %msg%n";

    static final String CONNECTION_LOGGER = "gost.connection";
    static final String NETTY_LOGGER = "io.netty";

    private final LogSettings settings;

    GostLogConfiguration(LoggerContext loggerContext, LogSettings settings) {
        super(loggerContext, ConfigurationSource.NULL_SOURCE);
        this.settings = settings;
        reportStatusFromWarnUp();
        // Off: the runtime logs while it drains and closes its services after SIGTERM, after the JVM's
        // shutdown hooks would have stopped Log4j; the console appenders flush every event, so nothing waits.
        isShutdownHookEnabled = false;
        setName("gost");
    }

    /** The configuration the system properties ask for; a value it cannot use is reported on stderr. */
    static GostLogConfiguration fromSystemProperties(LoggerContext loggerContext) {
        reportStatusFromWarnUp();
        LogSettings settings = LogSettings.fromSystemProperties(problem -> StatusLogger.getLogger().warn("gost: {}", problem));
        return new GostLogConfiguration(loggerContext, settings);
    }

    /** Log4j's own problems (a setting it cannot use, an appender that cannot start ...) are printed from warn up. */
    private static void reportStatusFromWarnUp() {
        new StatusConfiguration().withStatus("warn").initialize();
    }

    LogSettings settings() {
        return settings;
    }

    @Override
    protected void doConfigure() {
        // log4j-core's JsonLayout needs Jackson and JsonTemplateLayout another jar; a pattern with
        // JSON-escaped fields gives valid JSON lines with neither.
        boolean json = settings.format() == LogSettings.Format.JSON;
        Appender stderr = console("stderr", json ? layout(JSON_PATTERN, false) : layout(TEXT_PATTERN, true));
        Appender connections = console("connections",
                json ? layout(JSON_CONNECTION_PATTERN, false) : layout(TEXT_PATTERN, true));
        addAppender(stderr);
        addAppender(connections);

        LoggerConfig connectionLogger = LoggerConfig.newBuilder()
                .withLoggerName(CONNECTION_LOGGER)
                .withAdditivity(false)
                .withRefs(new AppenderRef[] {AppenderRef.createAppenderRef(connections.getName(), null, null)})
                .withConfig(this)
                .build();
        connectionLogger.addAppender(connections, null, null);
        addLogger(connectionLogger.getName(), connectionLogger);

        LoggerConfig nettyLogger = LoggerConfig.newBuilder()
                .withLoggerName(NETTY_LOGGER)
                .withLevel(settings.nettyLevel())
                .withConfig(this)
                .build();
        addLogger(nettyLogger.getName(), nettyLogger);

        LoggerConfig root = getRootLogger();
        root.setLevel(settings.level());
        root.addAppender(stderr, null, null);
    }

    private Appender console(String name, PatternLayout layout) {
        return ConsoleAppender.newBuilder()
                .setName(name)
                .setTarget(ConsoleAppender.Target.SYSTEM_ERR)
                .setLayout(layout)
                .setConfiguration(this)
                .build();
    }

    /** {@code alwaysWriteExceptions}: in text, a stack trace follows its event's line; JSON puts it in "error". */
    private PatternLayout layout(String pattern, boolean alwaysWriteExceptions) {
        return PatternLayout.newBuilder()
                .withConfiguration(this)
                .withPattern(pattern)
                .withAlwaysWriteExceptions(alwaysWriteExceptions)
                .build();
    }
}
