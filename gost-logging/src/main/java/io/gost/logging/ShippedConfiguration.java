package io.gost.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.status.StatusConfiguration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * What Log4j makes of the shipped {@code conf/log4j2.xml}, built in code: element for element, with the
 * same builders and defaults, so that it logs the same bytes (ShippedConfigurationTest compares the two).
 * Change the file and this class together; {@link ShippedConfigurationFactory} uses it only for the
 * file's exact bytes.
 */
final class ShippedConfiguration extends AbstractConfiguration {

    /** {@code <Configuration status="warn">}. */
    private static final String STATUS = "warn";

    static final String FORMAT_PROPERTY = "gost.log.format";
    static final String LEVEL_PROPERTY = "gost.log.level";
    static final String NETTY_LEVEL_PROPERTY = "gost.netty.log.level";

    /** The appender {@code stderr}'s pattern in JSON (the {@code SystemPropertyArbiter} branch). */
    static final String JSON_PATTERN = "{\"time\":\"%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}\",\"level\":\"%level{lowerCase=true}\","
            + "\"logger\":\"%enc{%c}{JSON}\",\"thread\":\"%enc{%t}{JSON}\",\"msg\":\"%enc{%m}{JSON}\""
            + "%notEmpty{,\"error\":\"%enc{%throwable}{JSON}\"}}%n";
    /** The appender {@code connections}' pattern in JSON: the message is already a list of JSON fields. */
    static final String JSON_CONNECTION_PATTERN = "{\"time\":\"%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}\","
            + "\"level\":\"%level{lowerCase=true}\",\"logger\":\"%enc{%c}{JSON}\",%m}%n";
    /** Both appenders' pattern in text (the {@code DefaultArbiter} branch). */
    static final String TEXT_PATTERN = "%d{ISO8601} %-5level [%t] %c{1.} %msg%n";

    ShippedConfiguration(LoggerContext loggerContext, ConfigurationSource source) {
        super(loggerContext, source);
        // The attributes of <Configuration>, applied as XmlConfiguration applies them.
        new StatusConfiguration().withStatus(STATUS).initialize();
        isShutdownHookEnabled = false;
        setName(source.getLocation());
    }

    /** {@code ${sys:gost.log.level:-info}}. */
    static String rootLevelName() {
        return System.getProperty(LEVEL_PROPERTY, "info");
    }

    /** {@code ${sys:gost.netty.log.level:-info}}. */
    static String nettyLevelName() {
        return System.getProperty(NETTY_LEVEL_PROPERTY, "info");
    }

    @Override
    protected void doConfigure() {
        // <SystemPropertyArbiter propertyName="gost.log.format" propertyValue="json">, else <DefaultArbiter>.
        boolean json = "json".equals(System.getProperty(FORMAT_PROPERTY));
        Appender stderr = console("stderr", json
                ? layout(JSON_PATTERN, false)
                : layout(TEXT_PATTERN, null));
        Appender connections = console("connections", json
                ? layout(JSON_CONNECTION_PATTERN, false)
                : layout(TEXT_PATTERN, null));
        addAppender(stderr);
        addAppender(connections);

        // <Logger name="gost.connection" additivity="false"><AppenderRef ref="connections"/></Logger>
        LoggerConfig connectionLogger = LoggerConfig.newBuilder()
                .withLoggerName("gost.connection")
                .withAdditivity(false)
                .withRefs(new AppenderRef[] {AppenderRef.createAppenderRef("connections", null, null)})
                .withConfig(this)
                .build();
        connectionLogger.addAppender(connections, null, null);
        addLogger(connectionLogger.getName(), connectionLogger);

        // <Logger name="io.netty" level="${sys:gost.netty.log.level:-info}"/>
        LoggerConfig nettyLogger = LoggerConfig.newBuilder()
                .withLoggerName("io.netty")
                .withLevel(Level.valueOf(nettyLevelName()))
                .withConfig(this)
                .build();
        addLogger(nettyLogger.getName(), nettyLogger);

        // <Root level="${sys:gost.log.level:-info}"><AppenderRef ref="stderr"/></Root>
        LoggerConfig root = getRootLogger();
        root.setLevel(Level.valueOf(rootLevelName()));
        root.addAppender(stderr, null, null);
    }

    /** {@code <Console name=".." target="SYSTEM_ERR">}. */
    private Appender console(String name, PatternLayout layout) {
        return ConsoleAppender.newBuilder()
                .setName(name)
                .setTarget(ConsoleAppender.Target.SYSTEM_ERR)
                .setLayout(layout)
                .setConfiguration(this)
                .build();
    }

    /** {@code <PatternLayout pattern=".." alwaysWriteExceptions=".."/>}, the attribute left out when null. */
    private PatternLayout layout(String pattern, Boolean alwaysWriteExceptions) {
        PatternLayout.Builder builder = PatternLayout.newBuilder().withConfiguration(this).withPattern(pattern);
        if (alwaysWriteExceptions != null) {
            builder.withAlwaysWriteExceptions(alwaysWriteExceptions);
        }
        return builder.build();
    }
}
