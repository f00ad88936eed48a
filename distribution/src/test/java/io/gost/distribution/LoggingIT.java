package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** conf/log4j2.xml: the text and JSON formats and the -D switch, seen in a real run. */
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
