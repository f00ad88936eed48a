package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gost's logging as a user sees it in a real run: the text and JSON formats, -D and -DD, IPv6 addresses,
 * and a Log4j configuration of the user's own.
 */
class LoggingIT {

    /** A Log4j configuration a user might write: its own line format, so its lines are told apart from gost's. */
    private static final String OWN_CONFIGURATION = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="warn">
              <Appenders>
                <Console name="stderr" target="SYSTEM_ERR">
                  <PatternLayout pattern="OWN %-5level %c %msg%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Root level="info">
                  <AppenderRef ref="stderr"/>
                </Root>
              </Loggers>
            </Configuration>
            """;

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
                + "INFO  \\[main\\] i\\.g\\.r\\.s\\.Service service service-0 listening on 127\\.0\\.0\\.1:" + proxyPort
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
                + "\"msg\":\"service service-0 listening on 127\\.0\\.0\\.1:" + proxyPort + " \\(http handler\\)\"\\}$");
    }

    /** Log4j's configuration is gost's own, built in code: the tree ships no Log4j file to keep in step with it. */
    @Test
    void theTreeShipsNoLog4jConfigurationFile() {
        assertThat(GostProcess.home().resolve("conf/log4j2.xml")).doesNotExist();
    }

    /** A Log4j configuration of the user's own, named in JAVA_OPTS, wins over gost's. */
    @Test
    void aLog4jConfigurationOfTheUsersOwnIsFollowed() {
        Path own = resources.write("own-log4j2.xml", OWN_CONFIGURATION);
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gostWithJavaOpts("-Dlog4j.configurationFile=" + own,
                "-L", "http://127.0.0.1:" + proxyPort).awaitPort(proxyPort);
        gost.close();

        assertThat(gost.stderr()).as(gost::describe)
                .containsPattern("(?m)^OWN INFO  io\\.gost\\.runtime\\.service\\.Service service service-0 listening on ")
                .doesNotContainPattern("(?m)^\\d{4}-");
    }

    /** ... and so does a conf/log4j2.xml that the user puts into the tree. */
    @Test
    void aLog4jConfigurationInTheTreesConfDirectoryIsFollowed() throws IOException {
        Path home = resources.dir().resolve("gost-with-own-log4j2");
        Files.createDirectories(home.resolve("bin"));
        Files.copy(GostProcess.launcher(), home.resolve("bin/gost"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(home.resolve("lib"), GostProcess.home().resolve("lib"));
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/log4j2.xml"), OWN_CONFIGURATION);
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gostThrough(home.resolve("bin/gost"), "", "-L", "http://127.0.0.1:" + proxyPort)
                .awaitPort(proxyPort);
        gost.close();

        assertThat(gost.stderr()).as(gost::describe)
                .containsPattern("(?m)^OWN INFO  io\\.gost\\.runtime\\.service\\.Service service service-0 listening on ");
    }

    /** A level Log4j does not know is reported, and gost logs at info rather than not starting. */
    @Test
    void anUnknownLevelIsReportedAndInfoIsUsed() {
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gostWithJavaOpts("-Dgost.log.level=verbose", "-L", "http://127.0.0.1:" + proxyPort)
                .awaitPort(proxyPort);
        gost.close();

        assertThat(gost.stderr()).as(gost::describe)
                .contains("-Dgost.log.level=verbose is not a log level (trace, debug, info, warn, error, fatal or off);"
                        + " logging at info")
                .containsPattern("(?m)^\\S+ INFO  \\[main\\] i\\.g\\.r\\.s\\.Service service service-0 listening on ");
    }

    /** GOST's -DD: trace logging, which shows each datagram a SOCKS5 UDP association relays. */
    @Test
    void traceFlagLogsEachRelayedDatagram() throws IOException {
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gost("-DD", "-L", "socks5://127.0.0.1:" + proxyPort + "?udp=true").awaitPort(proxyPort);
        try (DatagramSocket target = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Socks5UdpClient client = new Socks5UdpClient(proxyPort)) {
            target.setSoTimeout(10_000);
            InetSocketAddress targetAddress = (InetSocketAddress) target.getLocalSocketAddress();
            client.send(targetAddress, "ping".getBytes(StandardCharsets.US_ASCII));
            DatagramPacket received = new DatagramPacket(new byte[100], 100);
            target.receive(received);
            target.send(new DatagramPacket("pong!".getBytes(StandardCharsets.US_ASCII), 5, received.getSocketAddress()));
            client.receive();
            gost.close();

            assertThat(gost.stderr()).as(gost::describe)
                    .containsPattern("(?m)^\\S+ TRACE \\[.*datagram of 4 bytes from the client to 127\\.0\\.0\\.1:"
                            + targetAddress.getPort() + "$")
                    .containsPattern("(?m)^\\S+ TRACE \\[.*datagram of 5 bytes from 127\\.0\\.0\\.1:" + targetAddress.getPort()
                            + " to the client$");
        }
    }

    /** IPv6 addresses in brackets, as GOST and URLs write them: the port stays apart from the address. */
    @Test
    void ipv6AddressesInTheConnectionLineAreInBrackets() throws IOException {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        EchoServer echo = resources.add(new EchoServer(ipv6Loopback));
        int proxyPort = resources.freePort();
        GostProcess gost = resources.gost("-L", "tcp://[::1]:" + proxyPort + "/[::1]:" + echo.port());
        NamespaceProcesses.awaitOutput(gost, "listening on");
        try (Socket client = new Socket(ipv6Loopback, proxyPort)) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(client.getInputStream().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
        }
        NamespaceProcesses.awaitOutput(gost, "inputBytes=5");
        gost.close();

        assertThat(gost.stderr()).as(gost::describe).containsPattern(
                "(?m) client=\\[::1\\]:\\d+ dst=\\[::1\\]:" + echo.port() + " node=\\S+ inputBytes=5 outputBytes=5 ");
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
