package io.gost.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What gost's logging writes, to the byte: scripts and log shippers read these lines. And which settings
 * choose it, and that a Log4j configuration file of the user's own is left to Log4j.
 */
class GostLogConfigurationTest {

    private static final String[] PROPERTIES = {
        LogSettings.LEVEL_PROPERTY, LogSettings.FORMAT_PROPERTY, LogSettings.NETTY_LEVEL_PROPERTY};

    private static final Exception CAUSE = new IllegalStateException("a cause with \"quotes\"\nand a second line");

    private final Map<String, String> saved = new HashMap<>();
    private final String thread = Thread.currentThread().getName();

    @BeforeEach
    void saveProperties() {
        for (String property : PROPERTIES) {
            saved.put(property, System.getProperty(property));
            System.clearProperty(property);
        }
    }

    @AfterEach
    void restoreProperties() {
        saved.forEach((property, value) -> {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
        });
    }

    @Test
    void textLineIsTimeLevelThreadAbbreviatedLoggerAndMessage() {
        String log = logWith(LogSettings.DEFAULT, context ->
                context.getLogger("io.gost.runtime.service.Service").info("service web listening on 127.0.0.1:8080 (http handler)"));

        assertThat(withoutTimes(log)).isEqualTo(
                "TIME INFO  [" + thread + "] i.g.r.s.Service service web listening on 127.0.0.1:8080 (http handler)\n");
    }

    @Test
    void textLineIsFollowedByTheStackTraceOfItsCause() {
        String log = logWith(LogSettings.DEFAULT, context -> context.getLogger("io.gost.runtime.GostRuntime").warn("it failed", CAUSE));

        assertThat(withoutTimes(log))
                .startsWith("TIME WARN  [" + thread + "] i.g.r.GostRuntime it failed\n"
                        + "java.lang.IllegalStateException: a cause with \"quotes\"\nand a second line\n\tat ");
    }

    @Test
    void jsonLineIsTimeLevelLoggerThreadAndMessageInThatOrderWithEveryValueEscaped() {
        String log = logWith(json(Level.INFO), context ->
                context.getLogger("io.gost.runtime.service.Service").info("a \"quoted\" \\ path\nünïcødé\tend"));

        assertThat(withoutTimes(log)).isEqualTo("{\"time\":\"TIME\",\"level\":\"info\",\"logger\":\"io.gost.runtime.service.Service\","
                + "\"thread\":\"" + thread + "\",\"msg\":\"a \\\"quoted\\\" \\\\ path\\nünïcødé\\tend\"}\n");
    }

    @Test
    void jsonLineCarriesItsCauseEscapedInOneLine() {
        String log = logWith(json(Level.INFO), context -> context.getLogger("io.gost.runtime.GostRuntime").error("it failed", CAUSE));

        assertThat(log.lines()).hasSize(1);
        assertThat(withoutTimes(log)).startsWith("{\"time\":\"TIME\",\"level\":\"error\",\"logger\":\"io.gost.runtime.GostRuntime\","
                + "\"thread\":\"" + thread + "\",\"msg\":\"it failed\",\"error\":\"java.lang.IllegalStateException: a cause with "
                + "\\\"quotes\\\"\\nand a second line\\n\\tat ").endsWith("\"}\n");
    }

    @Test
    void jsonConnectionEventHasTheRuntimesFieldsAtTopLevel() {
        String log = logWith(json(Level.INFO), context ->
                context.getLogger("gost.connection").info("\"service\":\"web\",\"sid\":\"1-web\",\"inputBytes\":10"));

        assertThat(withoutTimes(log)).isEqualTo("{\"time\":\"TIME\",\"level\":\"info\",\"logger\":\"gost.connection\","
                + "\"service\":\"web\",\"sid\":\"1-web\",\"inputBytes\":10}\n");
    }

    @Test
    void connectionEventsAreWrittenOnceInText() {
        String log = logWith(LogSettings.DEFAULT, context -> context.getLogger("gost.connection").info("service=web sid=1-web"));

        assertThat(withoutTimes(log)).isEqualTo("TIME INFO  [" + thread + "] g.connection service=web sid=1-web\n");
    }

    @ParameterizedTest(name = "at {0}: {1}")
    @CsvSource({
        "INFO, 'info,warn,error'",
        "DEBUG, 'debug,info,warn,error'",
        "TRACE, 'trace,debug,info,warn,error'",
        "ERROR, 'error'",
        "OFF, ''"})
    void theLevelChoosesTheEventsOfGostsLoggers(String level, String expected) {
        String log = logWith(new LogSettings(Level.valueOf(level), LogSettings.Format.JSON, Level.INFO), context -> {
            Logger logger = context.getLogger("io.gost.plugin.socks.handler.UdpAssociation");
            logger.trace("t");
            logger.debug("d");
            logger.info("i");
            logger.warn("w");
            logger.error("e");
        });

        assertThat(levels(log)).isEqualTo(expected.isEmpty() ? List.of() : List.of(expected.split(",")));
    }

    @Test
    void nettysLoggersHaveTheirOwnLevel() {
        String quiet = logWith(new LogSettings(Level.TRACE, LogSettings.Format.JSON, Level.INFO), context -> {
            context.getLogger("io.netty.channel.DefaultChannelPipeline").debug("Netty at debug");
            context.getLogger("io.netty.channel.DefaultChannelPipeline").info("Netty at info");
        });
        String chatty = logWith(new LogSettings(Level.INFO, LogSettings.Format.JSON, Level.DEBUG),
                context -> context.getLogger("io.netty.util.internal.PlatformDependent").debug("Netty at debug"));

        assertThat(levels(quiet)).containsExactly("info");
        assertThat(levels(chatty)).containsExactly("debug");
    }

    @Test
    void settingsComeFromTheSystemProperties() {
        System.setProperty(LogSettings.LEVEL_PROPERTY, "Trace");
        System.setProperty(LogSettings.FORMAT_PROPERTY, "JSON");
        System.setProperty(LogSettings.NETTY_LEVEL_PROPERTY, "debug");
        List<String> problems = new ArrayList<>();

        assertThat(LogSettings.fromSystemProperties(problems::add))
                .isEqualTo(new LogSettings(Level.TRACE, LogSettings.Format.JSON, Level.DEBUG));
        assertThat(problems).isEmpty();
    }

    @Test
    void withoutPropertiesGostLogsTextAtInfo() {
        assertThat(LogSettings.fromSystemProperties(problem -> { })).isEqualTo(LogSettings.DEFAULT);
        assertThat(LogSettings.DEFAULT).isEqualTo(new LogSettings(Level.INFO, LogSettings.Format.TEXT, Level.INFO));
    }

    @Test
    void aValueThatIsNeitherLevelNorFormatIsReportedAndTheDefaultUsed() {
        System.setProperty(LogSettings.LEVEL_PROPERTY, "verbose");
        System.setProperty(LogSettings.FORMAT_PROPERTY, "yaml");
        System.setProperty(LogSettings.NETTY_LEVEL_PROPERTY, "");
        List<String> problems = new ArrayList<>();

        assertThat(LogSettings.fromSystemProperties(problems::add)).isEqualTo(LogSettings.DEFAULT);
        assertThat(problems).containsExactly(
                "-Dgost.log.level=verbose is not a log level (trace, debug, info, warn, error, fatal or off); logging at info",
                "-Dgost.log.format=yaml is not a log format (text or json); logging as text",
                "-Dgost.netty.log.level= is not a log level (trace, debug, info, warn, error, fatal or off); logging at info");
    }

    @Test
    void withoutAFileLog4jGetsGostsConfiguration() {
        System.setProperty(LogSettings.FORMAT_PROPERTY, "json");

        assertThat(new GostConfigurationFactory().getConfiguration(new LoggerContext("none"), null, null))
                .isInstanceOfSatisfying(GostLogConfiguration.class,
                        configuration -> assertThat(configuration.settings().format()).isEqualTo(LogSettings.Format.JSON));
    }

    @Test
    void aFileOfTheUsersOwnIsLeftToLog4j() throws java.io.IOException {
        URI file = Path.of("own-log4j2.xml").toAbsolutePath().toUri();

        assertThat(new GostConfigurationFactory().getConfiguration(new LoggerContext("file"), null, file)).isNull();
        assertThat(new GostConfigurationFactory().getConfiguration(new LoggerContext("source"),
                new ConfigurationSource(new java.io.ByteArrayInputStream(new byte[0])))).isNull();
    }

    @Test
    void log4jsShutdownHookIsOffSoThatTheRuntimeCanLogWhileItDrains() {
        assertThat(new GostLogConfiguration(new LoggerContext("hook"), LogSettings.DEFAULT).isShutdownHookEnabled()).isFalse();
    }

    private static LogSettings json(Level level) {
        return new LogSettings(level, LogSettings.Format.JSON, Level.INFO);
    }

    /** What a context with {@code settings} writes to stderr while {@code events} log. */
    private static String logWith(LogSettings settings, Consumer<LoggerContext> events) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, UTF_8));
        LoggerContext context = new LoggerContext("gost-log-configuration-test");
        try {
            context.start(new GostLogConfiguration(context, settings));
            events.accept(context);
        } finally {
            context.stop();
            System.setErr(stderr);
        }
        return captured.toString(UTF_8);
    }

    private static List<String> levels(String jsonLines) {
        return jsonLines.lines().map(line -> line.replaceFirst("^.*\"level\":\"([a-z]+)\".*$", "$1")).toList();
    }

    private static String withoutTimes(String log) {
        return log.replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3} ", "TIME ")
                .replaceAll("\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)\"", "\"time\":\"TIME\"");
    }
}
