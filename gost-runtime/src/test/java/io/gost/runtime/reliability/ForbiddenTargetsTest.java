package io.gost.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.testkit.netns.RecordingNetnsProvider;
import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.testing.EchoServer;
import io.gost.runtime.transport.NettyTransport;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, security defaults: a service's {@code bypass} keeps its clients from targets the operator
 * forbids, such as the proxy's own host.
 */
class ForbiddenTargetsTest {

    @Test
    void connectToAForbiddenAddressIsAnswered403AndNothingIsDialed() throws IOException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("http://127.0.0.1:0?bypass=127.0.0.0/8");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
            client.send("CONNECT " + echo.address() + " HTTP/1.1\r\nHost: " + echo.address() + "\r\n\r\n");

            assertThat(client.readStatus()).isEqualTo(403);
            assertThat(echo.accepted()).isZero();
        }
    }

    @Test
    void aNameThatResolvesToAForbiddenAddressIsAnswered403() throws IOException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("http://127.0.0.1:0?bypass=127.0.0.0/8");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
            client.send("CONNECT localhost:" + echo.port() + " HTTP/1.1\r\nHost: localhost\r\n\r\n");

            assertThat(client.readStatus()).isEqualTo(403);
        }
    }

    @Test
    void aForwardedRequestToAForbiddenTargetIsAnswered403() throws IOException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("http://127.0.0.1:0?bypass=127.0.0.1:" + 0 + "-65535");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
            client.send("GET http://" + echo.address() + "/ HTTP/1.1\r\nHost: " + echo.address() + "\r\n\r\n");

            assertThat(client.readStatus()).isEqualTo(403);
            assertThat(echo.accepted()).isZero();
        }
    }

    @Test
    void aWhitelistLetsThroughOnlyWhatItNames() throws IOException {
        try (EchoServer allowed = new EchoServer();
             EchoServer other = new EchoServer();
             RunningGost gost = RunningGost.start("http://127.0.0.1:0?bypass=~" + allowed.address())) {
            try (RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
                client.send("CONNECT " + allowed.address() + " HTTP/1.1\r\nHost: " + allowed.address() + "\r\n\r\n");
                assertThat(client.readStatus()).isEqualTo(200);
            }
            try (RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
                client.send("CONNECT " + other.address() + " HTTP/1.1\r\nHost: " + other.address() + "\r\n\r\n");
                assertThat(client.readStatus()).isEqualTo(403);
            }
            assertThat(other.accepted()).isZero();
        }
    }

    @Test
    void aForwarderTargetForbiddenByTheBypassIsNeverDialed() throws IOException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("tcp://127.0.0.1:0/" + echo.address() + "?bypass=127.0.0.1");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
            client.send("hello");

            assertThat(client.readByteOrEnd()).as("the client is closed").isEqualTo(-1);
            assertThat(echo.accepted()).isZero();
        }
    }

    @Test
    void aServiceNamingAnUnknownBypassIsAConfigurationError() {
        NettyTransport transport = NettyTransport.create(1);
        try {
            var config = new YamlConfigLoader().parse(String.join("\n",
                    "services:",
                    "- {name: proxy, addr: '127.0.0.1:0', handler: {type: http}, bypass: no-local}",
                    "bypasses:",
                    "- {name: local, matchers: [127.0.0.0/8]}",
                    "- {name: broken, matchers: [10.0.0.0/40]}") + "\n", "app.yaml");

            assertThatThrownBy(() -> GostRuntime.create(config, PluginRegistry.load(), new RecordingNetnsProvider(),
                    transport))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("app.yaml:5: bypasses[1].matchers: bypass 'broken': '10.0.0.0/40' is not a CIDR")
                    .hasMessageContaining("app.yaml:2: services[0].bypass: no bypass named 'no-local' in bypasses;"
                            + " known: local, broken");
        } finally {
            transport.close();
        }
    }
}
