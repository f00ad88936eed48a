package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gost chained through real third-party HTTP proxies (Debian's tinyproxy and squid), so that gost's
 * CONNECT client is judged by someone else's server and not only by gost's own.
 */
class ThirdPartyChainIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void forwardThroughTinyproxyCarriesThePayload() {
        EchoServer echo = resources.add(new EchoServer());
        int tinyproxyPort = resources.freePort();
        ManagedProcess tinyproxy = ThirdPartyProxies.tinyproxy(resources, tinyproxyPort, echo.port());
        int forwardPort = startForward(echo, tinyproxyPort);
        byte[] payload = Payloads.random(2 * 1024 * 1024, 3);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        assertThat(tinyproxy.output()).as(tinyproxy::describe)
                .contains(ThirdPartyProxies.tinyproxyConnectLine(echo.port()));
    }

    @Test
    void forwardThroughSquidCarriesThePayload() {
        EchoServer echo = resources.add(new EchoServer());
        int squidPort = resources.freePort();
        ThirdPartyProxies.Squid squid = ThirdPartyProxies.squid(resources, squidPort);
        int forwardPort = startForward(echo, squidPort);
        byte[] payload = Payloads.random(2 * 1024 * 1024, 4);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        String tunnel = "CONNECT 127.0.0.1:" + echo.port();
        assertThat(awaitAccessLog(squid, tunnel)).as("squid access log").contains(tunnel);
    }

    @Test
    void httpProxyChainedThroughSquidServesAGet() {
        OriginServer origin = resources.add(new OriginServer());
        int squidPort = resources.freePort();
        ThirdPartyProxies.squid(resources, squidPort);
        int proxyPort = resources.freePort();
        resources.gost("-L", "http://127.0.0.1:" + proxyPort, "-F", "http://127.0.0.1:" + squidPort)
                .awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + proxyPort,
                origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    private int startForward(EchoServer echo, int hopPort) {
        int forwardPort = resources.freePort();
        resources.gost("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                "-F", "http://127.0.0.1:" + hopPort).awaitPort(forwardPort);
        return forwardPort;
    }

    /** Squid logs a tunnel when it has closed, a moment after the client closed its end. */
    private static String awaitAccessLog(ThirdPartyProxies.Squid squid, String expected) {
        try {
            Awaitility.await().pollInSameThread().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10))
                    .until(() -> squid.accessLog().contains(expected));
        } catch (ConditionTimeoutException notLogged) {
            // the caller's assertion on the log shows what is missing
        }
        return squid.accessLog();
    }
}
