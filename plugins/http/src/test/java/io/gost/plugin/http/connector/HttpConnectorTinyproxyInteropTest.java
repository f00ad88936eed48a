package io.gost.plugin.http.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.RouteException;
import io.gost.plugin.http.testing.EchoOrigin;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.plugin.http.testing.TunnelProbe;
import io.gost.plugin.http.testing.Tinyproxy;
import io.gost.testkit.TestPluginContext;
import io.gost.testkit.TestTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connector {@code http} against tinyproxy, a third-party HTTP proxy, as the hop. */
@ExtendWith(NettyLeakDetection.class)
class HttpConnectorTinyproxyInteropTest {

    private static TestTransport transport;
    private static EchoOrigin origin;
    private Tinyproxy tinyproxy;
    private Channel hop;

    @BeforeAll
    static void startOrigin() {
        assumeTrue(Files.isExecutable(Tinyproxy.EXECUTABLE),
                "tinyproxy is not installed (apt-get install -y tinyproxy); skipping the interop test");
        transport = new TestTransport();
        origin = new EchoOrigin(transport);
    }

    @AfterAll
    static void stopOrigin() {
        if (origin != null) {
            origin.close();
            transport.close();
        }
    }

    @AfterEach
    void stopTinyproxy() {
        if (hop != null) {
            hop.close().syncUninterruptibly();
        }
        if (tinyproxy != null) {
            tinyproxy.close();
        }
    }

    @Test
    void tunnelThroughTinyproxyReachesTheOrigin() throws Exception {
        tinyproxy = new Tinyproxy(null);
        hop = connectTo(tinyproxy.port());

        Channel tunnel = connector(null).connect(hop, "tcp", originAddress(), Duration.ofSeconds(5))
                .get(5, TimeUnit.SECONDS);

        assertThat(TunnelProbe.exchange(tunnel, "GET /via-tinyproxy HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK").contains("GET /via-tinyproxy HTTP/1.1");
    }

    @Test
    void tinyproxyAcceptsBasicCredentials() throws Exception {
        tinyproxy = new Tinyproxy("alice secret");
        hop = connectTo(tinyproxy.port());

        Channel tunnel = connector(new Credentials("alice", "secret"))
                .connect(hop, "tcp", originAddress(), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

        assertThat(TunnelProbe.exchange(tunnel, "GET /authorized HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n"))
                .contains("GET /authorized HTTP/1.1");
    }

    @Test
    void tinyproxyRefusalIsHopRejectedWithItsStatusLine() throws Exception {
        tinyproxy = new Tinyproxy("alice secret");
        hop = connectTo(tinyproxy.port());

        Future<Channel> tunnel = connector(null).connect(hop, "tcp", originAddress(), Duration.ofSeconds(5)).await();

        assertThat(tunnel.cause()).isInstanceOf(RouteException.class).hasMessageContaining(" 407 ");
        assertThat(((RouteException) tunnel.cause()).reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
    }

    private static InetSocketAddress originAddress() {
        return InetSocketAddress.createUnresolved("127.0.0.1", origin.port());
    }

    private static Channel connectTo(int port) {
        return new Bootstrap()
                .group(transport.ioGroup())
                .channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress("127.0.0.1", port))
                .syncUninterruptibly()
                .channel();
    }

    private static Connector connector(Credentials credentials) {
        return new HttpConnectorFactory().create(Metadata.empty(),
                TestPluginContext.withCredentials("node-0", Optional.ofNullable(credentials)));
    }
}
