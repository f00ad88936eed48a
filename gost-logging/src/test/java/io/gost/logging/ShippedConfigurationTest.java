package io.gost.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped conf/log4j2.xml built in code logs exactly what Log4j logs from the file, in every format
 * and at every level; and any other file, or a level name Log4j would not read, is left to Log4j.
 */
class ShippedConfigurationTest {

    private static final String[] PROPERTIES = {
        ShippedConfiguration.FORMAT_PROPERTY, ShippedConfiguration.LEVEL_PROPERTY, ShippedConfiguration.NETTY_LEVEL_PROPERTY};

    /** One cause for both runs, so that both print the same stack trace. */
    private static final Exception CAUSE = new IllegalStateException("a cause with \"quotes\"\nand a second line");

    @TempDir
    Path dir;

    private final Map<String, String> saved = new HashMap<>();
    private Path shippedFile;

    @BeforeEach
    void copyTheShippedFile() throws IOException {
        for (String property : PROPERTIES) {
            saved.put(property, System.getProperty(property));
        }
        shippedFile = Files.write(dir.resolve("log4j2.xml"), ShippedConfigurationFactory.shippedBytes());
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

    @ParameterizedTest(name = "format {0}, level {1}, netty level {2}")
    @CsvSource(nullValues = "unset", value = {
        "unset, unset, unset",
        "text, info, info",
        "json, unset, unset",
        "json, debug, unset",
        "json, WARN, debug",
        "text, debug, debug",
        "JSON, error, unset",
        "yaml, trace, off"})
    void codeLogsTheSameBytesAsTheFile(String format, String level, String nettyLevel) throws IOException {
        set(ShippedConfiguration.FORMAT_PROPERTY, format);
        set(ShippedConfiguration.LEVEL_PROPERTY, level);
        set(ShippedConfiguration.NETTY_LEVEL_PROPERTY, nettyLevel);

        String fromFile = logWith(context -> new XmlConfiguration(context, source(shippedFile)));
        String fromCode = logWith(context -> {
            Configuration configuration = new ShippedConfigurationFactory().getConfiguration(context, source(shippedFile));
            assertThat(configuration).isInstanceOf(ShippedConfiguration.class);
            return configuration;
        });

        assertThat(fromFile).isNotBlank();
        assertThat(withoutTimes(fromCode)).isEqualTo(withoutTimes(fromFile));
    }

    @Test
    void theShippedSettingsAreAppliedToo() {
        Configuration configuration = new ShippedConfigurationFactory().getConfiguration(new LoggerContext("settings"),
                source(shippedFile));

        assertThat(configuration.isShutdownHookEnabled()).isFalse();
        assertThat(configuration.getName()).isEqualTo(new XmlConfiguration(new LoggerContext("xml"), source(shippedFile)).getName());
    }

    @Test
    void anEditedFileIsLeftToLog4j() throws IOException {
        Path edited = Files.writeString(dir.resolve("edited.xml"),
                Files.readString(shippedFile).replace("%-5level", "%-6level"));

        assertThat(new ShippedConfigurationFactory().getConfiguration(new LoggerContext("edited"), source(edited))).isNull();
    }

    @Test
    void aLevelNameLog4jWouldNotReadIsLeftToLog4j() {
        System.setProperty(ShippedConfiguration.LEVEL_PROPERTY, "verbose");

        assertThat(new ShippedConfigurationFactory().getConfiguration(new LoggerContext("level"), source(shippedFile))).isNull();
    }

    @Test
    void aNettyLevelNameLog4jWouldNotReadIsLeftToLog4j() {
        System.setProperty(ShippedConfiguration.NETTY_LEVEL_PROPERTY, "");

        assertThat(new ShippedConfigurationFactory().getConfiguration(new LoggerContext("netty"), source(shippedFile))).isNull();
    }

    @Test
    void aConfigurationThatIsNotAFileIsLeftToLog4j() throws IOException {
        try (InputStream in = Files.newInputStream(shippedFile)) {
            ConfigurationSource stream = new ConfigurationSource(in);
            assertThat(new ShippedConfigurationFactory().getConfiguration(new LoggerContext("stream"), stream)).isNull();
        }
    }

    /** Events as gost logs them: a service, a connection, Netty, with and without a cause. */
    private static String logWith(Function<LoggerContext, Configuration> configurationOf) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, UTF_8));
        LoggerContext context = new LoggerContext("shipped-configuration-test");
        try {
            context.start(configurationOf.apply(context));
            Logger service = context.getLogger("io.gost.runtime.service.Service");
            service.info("service web listening on /127.0.0.1:8080 (http handler)");
            service.debug("a debug event with a \\ backslash");
            service.trace("a trace event");
            service.warn("a warning with a cause", CAUSE);
            service.error("an error with a cause ünïcødé", CAUSE);
            Logger connections = context.getLogger("gost.connection");
            connections.info("\"service\":\"web\",\"sid\":\"1-web\",\"inputBytes\":10,\"outputBytes\":20");
            connections.debug("\"service\":\"web\",\"sid\":\"2-web\"");
            Logger netty = context.getLogger("io.netty.channel.DefaultChannelPipeline");
            netty.debug("Netty at debug");
            netty.info("Netty at info");
            netty.error("Netty at error", CAUSE);
        } finally {
            context.stop();
            System.setErr(stderr);
        }
        return captured.toString(UTF_8);
    }

    /** Times differ between the two runs; everything else must not. */
    private static String withoutTimes(String log) {
        return log.replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3} ", "TIME ")
                .replaceAll("\"time\":\"[^\"]+\"", "\"time\":\"TIME\"");
    }

    private static ConfigurationSource source(Path file) {
        try {
            return new ConfigurationSource(Files.newInputStream(file), file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void set(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
