package io.gost.logging;

import java.nio.file.Path;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.action.Action;
import org.apache.logging.log4j.core.appender.rolling.action.DeleteAction;
import org.apache.logging.log4j.core.appender.rolling.action.Duration;
import org.apache.logging.log4j.core.appender.rolling.action.IfAccumulatedFileCount;
import org.apache.logging.log4j.core.appender.rolling.action.IfAny;
import org.apache.logging.log4j.core.appender.rolling.action.IfFileName;
import org.apache.logging.log4j.core.appender.rolling.action.IfLastModified;
import org.apache.logging.log4j.core.appender.rolling.action.PathCondition;
import org.apache.logging.log4j.core.appender.rolling.action.PathSortByModificationTime;
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
 * <p>Lines go to stderr unless the configuration's {@code log.output} says otherwise (stdout, none, or a
 * file, rotated as {@code log.rotation} says), so that stdout stays clean for output a script reads
 * ({@code -O}, {@code check}, {@code -V}). Two appenders: {@code stderr} for the root logger, and
 * {@code connections} for {@code gost.connection}, the one event per finished connection (not additive, so it
 * is written once); with a file, both write to it.
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
    /**
     * Counts reopens (SIGUSR1). Log4j shares a file between configurations by its name, so a configuration
     * naming the same file would keep writing to the old, rotated-away one: every other generation names the
     * file {@code dir/./name}, which is the same file to the system and another name to Log4j.
     */
    private final int generation;

    GostLogConfiguration(LoggerContext loggerContext, LogSettings settings) {
        this(loggerContext, settings, 0);
    }

    GostLogConfiguration(LoggerContext loggerContext, LogSettings settings, int generation) {
        super(loggerContext, ConfigurationSource.NULL_SOURCE);
        this.settings = settings;
        this.generation = generation;
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

    int generation() {
        return generation;
    }

    @Override
    protected void doConfigure() {
        // log4j-core's JsonLayout needs Jackson and JsonTemplateLayout another jar; a pattern with
        // JSON-escaped fields gives valid JSON lines with neither.
        boolean json = settings.format() == LogSettings.Format.JSON;
        Appender stderr = appender("stderr", json ? layout(JSON_PATTERN, false) : layout(TEXT_PATTERN, true));
        Appender connections = appender("connections",
                json ? layout(JSON_CONNECTION_PATTERN, false) : layout(TEXT_PATTERN, true));
        if (stderr != null) {
            addAppender(stderr);
            addAppender(connections);
        }

        LoggerConfig connectionLogger = LoggerConfig.newBuilder()
                .withLoggerName(CONNECTION_LOGGER)
                .withAdditivity(false)
                .withRefs(connections == null ? new AppenderRef[0]
                        : new AppenderRef[] {AppenderRef.createAppenderRef(connections.getName(), null, null)})
                .withConfig(this)
                .build();
        if (connections != null) {
            connectionLogger.addAppender(connections, null, null);
        }
        addLogger(connectionLogger.getName(), connectionLogger);

        LoggerConfig nettyLogger = LoggerConfig.newBuilder()
                .withLoggerName(NETTY_LOGGER)
                .withLevel(settings.nettyLevel())
                .withConfig(this)
                .build();
        addLogger(nettyLogger.getName(), nettyLogger);

        LoggerConfig root = getRootLogger();
        root.setLevel(settings.level());
        if (stderr != null) {
            root.addAppender(stderr, null, null);
        }
    }

    /** An appender to the configured output; {@code null} for {@code none}. */
    private Appender appender(String name, PatternLayout layout) {
        return switch (settings.output()) {
            case "none" -> null;
            case "stderr", "stdout" -> ConsoleAppender.newBuilder()
                    .setName(name)
                    .setTarget(settings.output().equals("stdout") ? ConsoleAppender.Target.SYSTEM_OUT
                            : ConsoleAppender.Target.SYSTEM_ERR)
                    .setLayout(layout)
                    .setConfiguration(this)
                    .build();
            default -> settings.rotation() == null ? file(name, layout) : rollingFile(name, layout);
        };
    }

    /** The file as Log4j names it in this generation (see {@link #generation}). */
    private String fileName() {
        Path file = Path.of(settings.output()).toAbsolutePath();
        return generation % 2 == 0 ? file.toString() : file.getParent().resolve(".").resolve(file.getFileName()).toString();
    }

    /** GOST's plain file: created with its directories, appended to. */
    private Appender file(String name, PatternLayout layout) {
        return FileAppender.newBuilder()
                .setName(name)
                .withFileName(fileName())
                .withAppend(true)
                .withCreateOnDemand(false)
                .setLayout(layout)
                .setConfiguration(this)
                .build();
    }

    /**
     * GOST's rotated file (lumberjack): rotated at {@code maxSize} MB to {@code name-2006-01-02T15-04-05.000.ext}
     * beside it (UTC unless {@code localTime}; gzipped with {@code compress}); rotated files beyond
     * {@code maxBackups} or older than {@code maxAge} days are deleted.
     */
    private Appender rollingFile(String name, PatternLayout layout) {
        LogSettings.Rotation rotation = settings.rotation();
        Path file = Path.of(fileName());
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String extension = dot > 0 ? fileName.substring(dot) : "";
        String pattern = file.getParent().resolve(base).toString().replace("%", "%%")
                + "-%d{yyyy-MM-dd'T'HH-mm-ss.SSS}" + (rotation.localTime() ? "" : "{UTC}")
                + extension.replace("%", "%%") + (rotation.compress() ? ".gz" : "");
        java.util.List<PathCondition> limits = new java.util.ArrayList<>();
        if (rotation.maxBackups() > 0) {
            limits.add(IfAccumulatedFileCount.createFileCountCondition(rotation.maxBackups()));
        }
        if (rotation.maxAge() > 0) {
            limits.add(IfLastModified.createAgeCondition(Duration.parse("P" + rotation.maxAge() + "D")));
        }
        Action[] actions = limits.isEmpty() ? new Action[0] : new Action[] {DeleteAction.createDeleteAction(
                file.getParent().toString(), false, 1, false, PathSortByModificationTime.createSorter(true),
                new PathCondition[] {IfFileName.createNameCondition(base + "-*" + extension + "*", null,
                        IfAny.createOrCondition(limits.toArray(PathCondition[]::new)))}, null, this)};
        return RollingFileAppender.newBuilder()
                .setName(name)
                .withFileName(file.toString())
                .withFilePattern(pattern)
                .withAppend(true)
                .withPolicy(SizeBasedTriggeringPolicy.createPolicy(rotation.effectiveMaxSize() + " MB"))
                .withStrategy(DefaultRolloverStrategy.newBuilder()
                        .withMax(Integer.toString(Integer.MAX_VALUE))
                        .withCustomActions(actions)
                        .withConfig(this)
                        .build())
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
