package com.example.gost.socks4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.gost.socks4.connector.Socks4ConnectorFactory;
import com.example.gost.socks4.handler.Socks4HandlerFactory;
import com.example.gost.socks4.testing.LoopbackServer;
import io.gost.api.Connector;
import io.gost.api.Handler;
import io.gost.api.Metadata;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.PluginContext;
import io.gost.api.SocketPurpose;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestTransport;
import io.gost.testkit.netns.RecordingNetnsProvider;
import io.gost.testkit.netns.SocketRecord;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin's two halves over real sockets on 127.0.0.1: the handler serving a SOCKS4 port, reached by
 * curl and by the plugin's own connector. The connector's hop socket is created the way gost creates it,
 * through a network namespace provider: the recording one, which needs no root and records where each
 * socket was made.
 */
class Socks4OverLoopbackTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    /** Dials and relays as gost would without a chain; gost-testkit's stand-in for the runtime. */
    private final TestTransport transport = new TestTransport();
    private final List<TestHandlerContext> contexts = new CopyOnWriteArrayList<>();
    private LoopbackServer socks4Server;

    @BeforeEach
    void startSocks4Server() throws InterruptedException {
        Handler handler = new Socks4HandlerFactory().create(Metadata.empty(), PluginContext.named("service-0"));
        socks4Server = LoopbackServer.start(group, channel -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                // As gost's service does: the handler takes over the accepted connection.
                ctx.pipeline().remove(this);
                TestHandlerContext context = TestHandlerContext.direct(ctx.channel(), transport);
                contexts.add(context);
                handler.handle(ctx.channel(), context);
            }
        });
    }

    @AfterEach
    void stop() {
        socks4Server.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        transport.close();
        assertThat(contexts).allSatisfy(context -> assertThat(context.contractBreaches()).isEmpty());
    }

    /** Every target the handler dialed, over all connections, in order. */
    private List<InetSocketAddress> dialed() {
        return contexts.stream().flatMap(context -> context.dialedTargets().stream()).toList();
    }

    @Test
    void connectorReachesAnEchoServerThroughTheHandlerFromARecordedNamespace() throws Exception {
        RecordingNetnsProvider provider = new RecordingNetnsProvider();
        NetnsRef namespace = new NetnsRef("ns-hop");
        SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.DIAL_NODE, "node-0",
                socks4Server.address().toString());
        try (LoopbackServer echo = LoopbackServer.echo(group); NetworkNamespace hopNamespace = provider.open(namespace)) {
            // What gost does for a hop with `netns: ns-hop`: create the socket inside the namespace.
            ChannelFuture connected = hopNamespace.createSockets(purpose, () -> clientBootstrap().connect(socks4Server.address()))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            Channel hop = connected.sync().channel();
            Connector connector = new Socks4ConnectorFactory().create(Metadata.empty(), PluginContext.named("node-0"));
            InetSocketAddress target = InetSocketAddress.createUnresolved("localhost", echo.address().getPort());

            Channel tunnel = connector.connect(hop, "tcp", target, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

            assertThat(roundTrip(tunnel, "ping through socks4a")).isEqualTo("ping through socks4a");
            // A host name travels as SOCKS4a, unresolved, for the hop to resolve.
            assertThat(dialed()).containsExactly(target);
            assertThat(provider.records()).containsExactly(new SocketRecord(namespace, purpose, "gost-netns-ns-hop"));
            tunnel.close().sync();
        }
        assertThat(provider.openNamespaces()).isEmpty();
    }

    @ParameterizedTest(name = "curl --proxy {0}://")
    @ValueSource(strings = {"socks4", "socks4a"})
    void curlFetchesAPageThroughTheHandler(String scheme) throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed (apt-get install curl); skipping the real-client check");
        try (LoopbackServer origin = LoopbackServer.http(group, "hello from the origin")) {
            ProcessBuilder curl = new ProcessBuilder("curl", "--silent", "--show-error", "--max-time", "10",
                    "--proxy", scheme + "://" + hostAndPort(socks4Server.address()),
                    "http://localhost:" + origin.address().getPort() + "/")
                    .redirectErrorStream(true);
            // A no_proxy list naming localhost would let curl go around the proxy.
            Stream.of("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY", "http_proxy").forEach(curl.environment()::remove);
            Process process = curl.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).isEqualTo("hello from the origin");
            // socks4 sends the address curl resolved; socks4a leaves the name to the proxy.
            assertThat(dialed()).hasSize(1);
            InetSocketAddress target = dialed().get(0);
            assertThat(target.isUnresolved()).isEqualTo(scheme.equals("socks4a"));
            assertThat(target.getPort()).isEqualTo(origin.address().getPort());
        }
    }

    private Bootstrap clientBootstrap() {
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                    }
                });
    }

    /** Writes {@code text} into the tunnel and waits until as many bytes came back. */
    private static String roundTrip(Channel tunnel, String text) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        tunnel.eventLoop().submit(() -> {
            tunnel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private final ByteBuf received = Unpooled.buffer();

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf bytes = (ByteBuf) msg;
                    received.writeBytes(bytes);
                    bytes.release();
                    if (received.readableBytes() >= text.length()) {
                        echoed.complete(received.toString(StandardCharsets.US_ASCII));
                        received.release();
                    } else {
                        ctx.read();
                    }
                }
            });
            tunnel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
            tunnel.read();
        }).sync();
        return echoed.get(5, TimeUnit.SECONDS);
    }

    private static String hostAndPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
    }
}
