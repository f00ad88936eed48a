package io.gost.plugin.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.RouteException;
import io.gost.testkit.EchoServer;
import io.gost.testkit.TestHandlerContext;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The relay connector against the relay handler on real loopback sockets, in each nodelay combination. */
@ExtendWith(LeakDetection.class)
class RelayPairTest {

    private final TestTransport transport = new TestTransport();
    private Channel server;
    private EchoServer echo;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close().sync();
        }
        if (echo != null) {
            echo.close();
        }
        transport.close();
    }

    private InetSocketAddress relayServer(boolean noDelay, TestPluginContext plugin) throws Exception {
        var handler = new RelayHandlerFactory().create(Metadata.of("nodelay", Boolean.toString(noDelay)), plugin);
        server = new ServerBootstrap().group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.pipeline().remove(this);
                        handler.handle(ctx.channel(), TestHandlerContext.direct(ctx.channel(), transport));
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    private Channel connectTo(InetSocketAddress address) throws Exception {
        return new Bootstrap().group(transport.ioGroup().next()).channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                    }
                })
                .connect(address).sync().channel();
    }

    /** Writes {@code text} into the tunnel and completes with what comes back, or with why it ended. */
    private static CompletableFuture<String> exchange(Channel tunnel, String text) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        StringBuilder received = new StringBuilder();
        tunnel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                received.append(((ByteBuf) message).toString(StandardCharsets.US_ASCII));
                ((ByteBuf) message).release();
                if (received.length() >= text.length()) {
                    reply.complete(received.toString());
                } else {
                    ctx.read();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                reply.completeExceptionally(cause);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                reply.completeExceptionally(new IllegalStateException("closed after '" + received + "'"));
            }
        });
        tunnel.read();
        tunnel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        return reply;
    }

    @ParameterizedTest(name = "handler nodelay={0}, connector nodelay={1}")
    @CsvSource({"false,false", "true,false", "true,true"})
    void connectorAndHandlerTunnelToTheTargetWithCredentials(boolean handlerNoDelay, boolean connectorNoDelay)
            throws Exception {
        echo = EchoServer.start();
        InetSocketAddress relay = relayServer(handlerNoDelay, TestPluginContext.acceptingUser("relay", "ann", "s3cret"));
        Connector connector = new RelayConnectorFactory().create(Metadata.of("nodelay",
                Boolean.toString(connectorNoDelay)), TestPluginContext.withCredentials("node",
                Optional.of(new Credentials("ann", "s3cret"))));
        Channel tunnel = connector.connect(connectTo(relay), "tcp", echo.address(), Duration.ofSeconds(5))
                .get(5, TimeUnit.SECONDS);
        assertThat(exchange(tunnel, "hello through relay").get(5, TimeUnit.SECONDS)).isEqualTo("hello through relay");
        tunnel.close();
    }

    /**
     * GOST's default handler answers only with the target's first bytes, so a connector that waits for the
     * answer (nodelay=true) gets it once a server-first target greets; a client-first one would wait for the
     * handshake timeout, in GOST too.
     */
    @org.junit.jupiter.api.Test
    void serverFirstTargetThroughTheDefaultHandlerAndANodelayConnector() throws Exception {
        Channel greeter = new ServerBootstrap().group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer("220 ready\r\n", StandardCharsets.US_ASCII));
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        try {
            InetSocketAddress relay = relayServer(false, TestPluginContext.authenticating("relay", Optional.empty()));
            Connector connector = new RelayConnectorFactory().create(Metadata.of("nodelay", "true"),
                    TestPluginContext.withCredentials("node", Optional.empty()));
            Channel tunnel = connector.connect(connectTo(relay), "tcp", (InetSocketAddress) greeter.localAddress(),
                    Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
            CompletableFuture<String> greeting = new CompletableFuture<>();
            tunnel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    greeting.complete(((ByteBuf) message).toString(StandardCharsets.US_ASCII));
                    ((ByteBuf) message).release();
                }
            });
            tunnel.read();
            assertThat(greeting.get(5, TimeUnit.SECONDS)).isEqualTo("220 ready\r\n");
            tunnel.close();
        } finally {
            greeter.close().sync();
        }
    }

    @ParameterizedTest(name = "connector nodelay={0}")
    @CsvSource({"true", "false"})
    void wrongPasswordEndsTheTunnelNamingStatus2(boolean connectorNoDelay) throws Exception {
        echo = EchoServer.start();
        InetSocketAddress relay = relayServer(false, TestPluginContext.acceptingUser("relay", "ann", "s3cret"));
        Connector connector = new RelayConnectorFactory().create(Metadata.of("nodelay",
                Boolean.toString(connectorNoDelay)), TestPluginContext.withCredentials("node",
                Optional.of(new Credentials("ann", "wrong"))));
        var connect = connector.connect(connectTo(relay), "tcp", echo.address(), Duration.ofSeconds(5));
        if (connectorNoDelay) {
            assertThat(connect.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(connect.cause()).isInstanceOf(RouteException.class)
                    .hasMessageContaining("relay status 2 (unauthorized)");
            assertThat(((RouteException) connect.cause()).reason()).isEqualTo(RouteException.Reason.HOP_REJECTED);
        } else {
            // GOST's delayed request: the refusal comes back in front of the first bytes, and ends the tunnel.
            Channel tunnel = connect.get(5, TimeUnit.SECONDS);
            try {
                exchange(tunnel, "hello").get(5, TimeUnit.SECONDS);
                throw new AssertionError("the tunnel carried data past a refusal");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).hasMessageContaining("relay status 2 (unauthorized)");
            }
            assertThat(tunnel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
