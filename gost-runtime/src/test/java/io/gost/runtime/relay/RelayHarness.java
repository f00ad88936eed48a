package io.gost.runtime.relay;

import io.gost.api.RelayResult;
import io.gost.runtime.transport.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A relay between real sockets on 127.0.0.1: the test's blocking client socket connects to a Netty
 * server; each accepted channel dials the test's blocking "far" server socket on the same event loop and
 * relays to it. Only one connection per harness.
 */
final class RelayHarness implements AutoCloseable {

    static final int TIMEOUT_SECONDS = 20;

    final NettyTransport transport;
    final TrackingAllocator allocator = new TrackingAllocator();
    final CompletableFuture<Channel> clientSide = new CompletableFuture<>();
    final CompletableFuture<Channel> upstreamSide = new CompletableFuture<>();
    final CompletableFuture<RelayResult> result = new CompletableFuture<>();
    /** The error the client's hold kept before the relay started, if any. */
    final CompletableFuture<Throwable> clientErrorBeforeRelay = new CompletableFuture<>();
    /** The relay starts once this completes (and the upstream is connected). */
    final CompletableFuture<Void> relayGate;
    private final ServerSocket farServer;
    private final int farBuffers;
    private final Channel proxyServer;

    RelayHarness(String transportName) throws IOException, InterruptedException {
        this(transportName, CompletableFuture.completedFuture(null));
    }

    RelayHarness(String transportName, CompletableFuture<Void> relayGate) throws IOException, InterruptedException {
        this(transportName, relayGate, 0, 0);
    }

    /**
     * With fixed socket buffers, so that a test knows where the bytes wait: {@code proxyReceiveBuffer} for
     * the relay's client-facing socket, {@code farBuffers} for the far server's receive buffer and the relay's
     * send buffer towards it; 0 leaves a size to the kernel.
     */
    RelayHarness(String transportName, CompletableFuture<Void> relayGate, int proxyReceiveBuffer, int farBuffers)
            throws IOException, InterruptedException {
        this.relayGate = relayGate;
        transport = switch (transportName) {
            case "nio" -> NettyTransport.nio(1);
            case "epoll" -> NettyTransport.epoll(1);
            case "io_uring" -> NettyTransport.ioUring(1);
            default -> throw new IllegalArgumentException(transportName);
        };
        this.farBuffers = farBuffers;
        farServer = new ServerSocket();
        if (farBuffers > 0) {
            farServer.setReceiveBufferSize(farBuffers);
        }
        farServer.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 50);
        InetSocketAddress farAddress = (InetSocketAddress) farServer.getLocalSocketAddress();
        ServerBootstrap server = new ServerBootstrap();
        if (proxyReceiveBuffer > 0) {
            // Set on the listening socket, so that the window scale of accepted connections allows for it.
            server.option(ChannelOption.SO_RCVBUF, proxyReceiveBuffer);
        }
        proxyServer = server
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        Relay.holdInbound(client, clientErrorBeforeRelay::complete);
                        clientSide.complete(client);
                        dialFar(client, farAddress);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private void dialFar(Channel client, InetSocketAddress farAddress) {
        Bootstrap bootstrap = new Bootstrap();
        if (farBuffers > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, farBuffers);
        }
        ChannelFuture dialed = bootstrap
                .group(client.eventLoop())
                .channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.ALLOCATOR, allocator)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel upstream) {
                        Relay.holdInbound(upstream);
                    }
                })
                .connect(farAddress);
        dialed.addListener(done -> {
            if (!done.isSuccess()) {
                client.close();
                upstreamSide.completeExceptionally(done.cause());
                return;
            }
            upstreamSide.complete(dialed.channel());
            relayGate.thenRun(() -> Relay.start(client, dialed.channel()).addListener(relayed -> result.complete(
                    (RelayResult) relayed.getNow())));
        });
    }

    Socket connectClient() throws IOException {
        Socket socket = new Socket();
        socket.connect(proxyServer.localAddress(), 5_000);
        socket.setSoTimeout(TIMEOUT_SECONDS * 1_000);
        return socket;
    }

    Socket acceptFar() throws IOException {
        farServer.setSoTimeout(TIMEOUT_SECONDS * 1_000);
        Socket socket = farServer.accept();
        socket.setSoTimeout(TIMEOUT_SECONDS * 1_000);
        return socket;
    }

    RelayResult awaitResult() throws Exception {
        return result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** The relay's result if it ended within a second, for failure messages. */
    String resultIfDone() {
        try {
            RelayResult done = result.get(1, TimeUnit.SECONDS);
            if (done.error() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                done.error().printStackTrace(new java.io.PrintWriter(trace));
                return done + "\n" + trace;
            }
            return done.toString();
        } catch (Exception e) {
            return "(relay still running: " + e + ")";
        }
    }

    Channel upstream() throws Exception {
        return upstreamSide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    Channel client() throws Exception {
        return clientSide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits until both relayed channels are closed, then checks that every buffer was released. */
    void assertNoLeaks() throws Exception {
        client().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        upstream().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // Closing releases what was still queued; run one task on each loop so that has happened.
        client().eventLoop().submit(() -> { }).sync();
        upstream().eventLoop().submit(() -> { }).sync();
        allocator.assertAllReleased();
    }

    /** Reads until end of stream; fails on a timeout rather than hang. */
    static byte[] readAll(Socket socket) throws IOException {
        try {
            return socket.getInputStream().readAllBytes();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no end of stream within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    @Override
    public void close() throws IOException {
        proxyServer.close().awaitUninterruptibly();
        farServer.close();
        transport.close();
    }
}
