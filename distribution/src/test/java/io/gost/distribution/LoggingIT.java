package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

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

        assertThat(lines).as(gost::describe).isNotEmpty().allSatisfy(line -> assertThat(line)
                .startsWith("{\"time\":\"").contains("\"level\":\"").contains("\"msg\":\"").endsWith("}"));
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
