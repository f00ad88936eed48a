package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** conf/log4j2.xml: the text and JSON formats, the -D switch and a configuration of the user's own, seen in a real run. */
class LoggingIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void jsonFormatWritesOneJsonObjectPerLine() {
        GostProcess gost = runOneProxiedRequest("-Dgost.log.format=json");

        List<String> lines = gost.stderr().lines().filter(line -> !line.isBlank()).toList();

        assertThat(lines).as(gost::describe).isNotEmpty().allSatisfy(line -> assertThat(
                parseJsonObject(line).keySet()).contains("time", "level", "logger", "msg"));
    }

    @Test
    void jsonConnectionEventsCarryGostFieldsAtTopLevel() {
        GostProcess gost = runOneProxiedRequest("-Dgost.log.format=json");

        List<ConfigObject> connections = gost.stderr().lines().filter(line -> !line.isBlank())
                .map(LoggingIT::parseJsonObject)
                .filter(event -> "gost.connection".equals(event.get("logger").unwrapped()))
                .toList();

        assertThat(connections).as(gost::describe).isNotEmpty()
                .allSatisfy(event -> assertThat(event.keySet())
                        .contains("service", "sid", "client", "inputBytes", "outputBytes", "duration"));
    }

    @Test
    void textFormatStartsEachEventWithTimeAndLevel() {
        GostProcess gost = runOneProxiedRequest("");

        assertThat(gost.stderr()).as(gost::describe)
                .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3} INFO  \\[");
    }

    @Test
    void debugFlagTurnsOnDebugEvents() {
        OriginServer origin = resources.add(new OriginServer());
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gost("-D", "-L", "http://127.0.0.1:" + proxyPort).awaitPort(proxyPort);
        Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + proxyPort, origin.url("/hello"));
        gost.close();

        assertThat(gost.stderr()).as(gost::describe).containsPattern("(?m)^\\S+ DEBUG \\[");
    }

    /** The text line, to the byte: a changed layout breaks whatever reads these logs. */
    @Test
    void textFormatIsTimeLevelThreadAbbreviatedLoggerAndMessage() {
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + proxyPort).awaitPort(proxyPort);
        gost.close();

        assertThat(gost.stderr()).as(gost::describe).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3} "
                + "INFO  \\[main\\] i\\.g\\.r\\.s\\.Service service service-0 listening on /127\\.0\\.0\\.1:" + proxyPort
                + " \\(http handler\\)$");
    }

    /** The JSON line, to the byte: field names, their order, and how the values are written. */
    @Test
    void jsonFormatIsTimeLevelLoggerThreadAndMessageInThatOrder() {
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gostWithJavaOpts("-Dgost.log.format=json", "-L", "http://127.0.0.1:" + proxyPort)
                .awaitPort(proxyPort);
        gost.close();

        assertThat(gost.stderr()).as(gost::describe).containsPattern("(?m)^\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"
                + "(Z|[+-]\\d\\d:\\d\\d)\",\"level\":\"info\",\"logger\":\"io\\.gost\\.runtime\\.service\\.Service\",\"thread\":\"main\","
                + "\"msg\":\"service service-0 listening on /127\\.0\\.0\\.1:" + proxyPort + " \\(http handler\\)\"\\}$");
    }

    /** bin/gost builds the shipped conf/log4j2.xml in code; any other file is still Log4j's to read. */
    @Test
    void aLog4jConfigurationOfTheUsersOwnIsFollowed() throws IOException {
        Path shipped = Path.of(System.getProperty("gost.dist.dir"), "conf", "log4j2.xml");
        Path own = resources.dir().resolve("own-log4j2.xml");
        Files.writeString(own, Files.readString(shipped)
                .replace("%d{ISO8601} %-5level [%t] %c{1.} %msg%n", "OWN %-5level %c %msg%n"));
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gostWithJavaOpts("-Dlog4j.configurationFile=" + own,
                "-L", "http://127.0.0.1:" + proxyPort).awaitPort(proxyPort);
        gost.close();

        assertThat(gost.stderr()).as(gost::describe)
                .containsPattern("(?m)^OWN INFO  io\\.gost\\.runtime\\.service\\.Service service service-0 listening on ");
    }

    /** Strict JSON (Typesafe Config's JSON syntax, already on the class path): a bad line fails the test. */
    private static ConfigObject parseJsonObject(String line) {
        try {
            return ConfigFactory.parseString(line, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root();
        } catch (ConfigException e) {
            throw new AssertionError("not a JSON object: " + line, e);
        }
    }

    private GostProcess runOneProxiedRequest(String javaOpts) {
        OriginServer origin = resources.add(new OriginServer());
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gostWithJavaOpts(javaOpts, "-L", "http://127.0.0.1:" + proxyPort)
                .awaitPort(proxyPort);
        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + proxyPort, origin.url("/hello"));
        assertThat(result.status()).as(result::toString).isEqualTo(200);
        gost.close();
        return gost;
    }
}
