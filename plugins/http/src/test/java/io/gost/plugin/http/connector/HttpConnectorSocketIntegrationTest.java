package io.gost.plugin.http.connector;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.plugin.http.handler.HttpHandlerFactory;
import io.gost.plugin.http.testing.EchoOrigin;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.plugin.http.testing.TunnelProbe;
import io.gost.plugin.http.testing.ProxyServer;
import io.gost.testkit.TestPluginContext;
import io.gost.testkit.TestTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connector {@code http} over real sockets, against this plugin's own proxy handler and a raw hop. */
@ExtendWith(NettyLeakDetection.class)
class HttpConnectorSocketIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static TestTransport transport;
    private static EchoOrigin origin;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();

    @BeforeAll
    static void startOrigin() {
        transport = new TestTransport();
        origin = new EchoOrigin(transport);
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
        transport.close();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @Test
    void tunnelThroughTheHttpHandlerReachesTheOrigin() throws Exception {
        ProxyServer proxy = proxy(PluginContext.named("service-0"));
        Channel hop = connectTo(proxy.port());

        Channel tunnel = connector(null).connect(hop, "tcp", originAddress(), TIMEOUT).get(5, TimeUnit.SECONDS);

        assertThat(TunnelProbe.exchange(tunnel, "GET /via-connector HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK").contains("GET /via-connector HTTP/1.1");
    }

    @Test
    void credentialsOpenAProtectedHop() throws Exception {
        ProxyServer proxy = proxy(withUser("alice", "secret"));
        Channel hop = connectTo(proxy.port());

        Channel tunnel = connector(new Credentials("alice", "secret")).connect(hop, "tcp", originAddress(), TIMEOUT)
                .get(5, TimeUnit.SECONDS);

        assertThat(TunnelProbe.exchange(tunnel, "GET /protected HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n"))
                .contains("GET /protected HTTP/1.1");
    }

    @Test
    void wrongCredentialsAreRejectedByTheHop() throws Exception {
        ProxyServer proxy = proxy(withUser("alice", "secret"));
        Channel hop = connectTo(proxy.port());

        Future<Channel> tunnel = connector(new Credentials("alice", "guess")).connect(hop, "tcp", originAddress(),
                TIMEOUT).await();

        assertThat(tunnel.cause()).isInstanceOf(RouteException.class)
                .hasMessageContaining("with HTTP/1.1 407 Proxy Authentication Required");
        assertThat(((RouteException) tunnel.cause()).reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
    }

    @Test
    void twoHopsChainThroughEachOther() throws Exception {
        ProxyServer first = proxy(PluginContext.named("hop-1"));
        ProxyServer second = proxy(PluginContext.named("hop-2"));
        Channel hop = connectTo(first.port());
        Connector connector = connector(null);

        Channel toSecond = connector.connect(hop, "tcp", new InetSocketAddress("127.0.0.1", second.port()), TIMEOUT)
                .get(5, TimeUnit.SECONDS);
        Channel tunnel = connector.connect(toSecond, "tcp", originAddress(), TIMEOUT).get(5, TimeUnit.SECONDS);

        assertThat(TunnelProbe.exchange(tunnel, "GET /two-hops HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n"))
                .contains("GET /two-hops HTTP/1.1");
    }

    @Test
    void bytesTheHopSendsWithItsAnswerReachTheNextReader() throws Exception {
        // A hop in front of a server-first protocol: the answer and the server's greeting in one write.
        int port = rawHop("HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0-greeting\r\n");
        Channel hop = connectTo(port);

        Channel tunnel = connector(null).connect(hop, "tcp", originAddress(), TIMEOUT).get(5, TimeUnit.SECONDS);

        assertThat(TunnelProbe.exchange(tunnel, null)).isEqualTo("SSH-2.0-greeting\r\n");
    }

    // ---------------------------------------------------------------- helpers

    private ProxyServer proxy(PluginContext context) {
        ProxyServer proxy = new ProxyServer(transport, new HttpHandlerFactory().create(Metadata.empty(), context));
        servers.add(proxy);
        return proxy;
    }

    private static InetSocketAddress originAddress() {
        return InetSocketAddress.createUnresolved("127.0.0.1", origin.port());
    }

    private Channel connectTo(int port) {
        Channel channel = new Bootstrap()
                .group(transport.ioGroup())
                .channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress("127.0.0.1", port))
                .syncUninterruptibly()
                .channel();
        channels.add(channel);
        return channel;
    }

    /** A hop that answers any request with {@code answer} in a single write and then closes. */
    private int rawHop(String answer) {
        Channel server = new ServerBootstrap()
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            private boolean answered;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                if (!answered) {
                                    answered = true;
                                    ctx.writeAndFlush(Unpooled.copiedBuffer(answer, US_ASCII))
                                            .addListener(written -> ctx.close());
                                }
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
        servers.add(() -> server.close().syncUninterruptibly());
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static Connector connector(Credentials credentials) {
        return new HttpConnectorFactory().create(Metadata.empty(),
                TestPluginContext.withCredentials("node-0", Optional.ofNullable(credentials)));
    }

    private static PluginContext withUser(String username, String password) {
        return TestPluginContext.acceptingUser("service-0", username, password);
    }
}
