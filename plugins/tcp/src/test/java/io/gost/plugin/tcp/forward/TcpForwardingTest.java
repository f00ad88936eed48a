package io.gost.plugin.tcp.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Dialer;
import io.gost.api.Forwarder;
import io.gost.api.Handler;
import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.tcp.dialer.TcpDialerFactory;
import io.gost.plugin.tcp.listener.TcpListenerFactory;
import io.gost.plugin.tcp.testing.TestDialContext;
import io.gost.plugin.tcp.testing.TestListenContext;
import io.gost.testkit.EchoServer;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestRelay;
import io.gost.testkit.TestTransport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tcp listener, handler and dialer together on real loopback sockets, as {@code -L tcp://:0/target}
 * runs them; a test relay stands in for the runtime's.
 */
@Timeout(60)
class TcpForwardingTest {

    private static final int TEN_MEGABYTES = 10 * 1024 * 1024;

    private final TestTransport transport = new TestTransport();
    private final Dialer dialer = new TcpDialerFactory().create(Metadata.empty(), PluginContext.named("target-0"));
    private final Handler handler = new TcpHandlerFactory().create(Metadata.empty(), PluginContext.named("service-0"));
    private final List<TestHandlerContext> contexts = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @AfterEach
    void closeEverything() throws Exception {
        writer.shutdownNow();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        transport.close();
        contexts.forEach(context -> assertThat(context.contractBreaches()).isEmpty());
    }

    /** Starts a tcp service on 127.0.0.1:0 whose connections get the forwarder {@code forwarderFor} gives. */
    private InetSocketAddress service(Function<Channel, Optional<Forwarder>> forwarderFor) throws Exception {
        Listener listener = new TcpListenerFactory().create(Metadata.empty(), PluginContext.named("service-0"));
        resources.add(listener);
        return (InetSocketAddress) listener.bind(TestListenContext.loopback(transport, client -> {
            TestHandlerContext.Builder builder = TestHandlerContext.builder().client(client).relay(TestRelay::start);
            forwarderFor.apply(client).ifPresent(builder::forwarder);
            TestHandlerContext context = builder.build();
            contexts.add(context);
            handler.handle(client, context);
        })).get(5, TimeUnit.SECONDS);
    }

    /** A forwarder with one node, {@code target}, dialed on the client's event loop. */
    private Optional<Forwarder> forwardingTo(InetSocketAddress target, Channel client) {
        return Optional.of(() -> dialer.dial(target, new TestDialContext(client.eventLoop(), transport, Duration.ofSeconds(5))));
    }

    private EchoServer echoServer() throws Exception {
        EchoServer server = EchoServer.start();
        resources.add(server);
        return server;
    }

    private Socket connect(InetSocketAddress address) throws Exception {
        Socket socket = new Socket();
        resources.add(socket);
        socket.setSoTimeout(20_000);
        socket.connect(address, 5_000);
        return socket;
    }

    @Test
    void forwardsTenMegabytesBothWaysByteForByte() throws Exception {
        InetSocketAddress target = echoServer().address();
        Socket client = connect(service(channel -> forwardingTo(target, channel)));
        byte[] payload = new byte[TEN_MEGABYTES];
        new Random(42).nextBytes(payload);

        var sent = writer.submit(() -> {
            OutputStream out = client.getOutputStream();
            for (int offset = 0; offset < payload.length; offset += 64 * 1024) {
                out.write(payload, offset, Math.min(64 * 1024, payload.length - offset));
            }
            client.shutdownOutput();
            return null;
        });
        byte[] echoed = client.getInputStream().readAllBytes();
        sent.get(20, TimeUnit.SECONDS);

        assertThat(echoed.length).isEqualTo(payload.length);
        assertThat(echoed).isEqualTo(payload);
    }

    @Test
    void forwardsBytesTheClientSentBeforeTheUpstreamWasConnected() throws Exception {
        InetSocketAddress target = echoServer().address();
        CompletableFuture<Channel> dialStarted = new CompletableFuture<>();
        // Completed by this test thread, not an event loop, so the handler must hop back to the client's loop.
        Promise<Channel> upstream = ImmediateEventExecutor.INSTANCE.newPromise();
        Socket client = connect(service(channel -> Optional.of(() -> {
            dialStarted.complete(channel);
            return upstream;
        })));
        Channel clientChannel = dialStarted.get(5, TimeUnit.SECONDS);

        client.getOutputStream().write("sent early".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        upstream.setSuccess(dialer.dial(target, new TestDialContext(clientChannel.eventLoop(), transport, Duration.ofSeconds(5)))
                .get(5, TimeUnit.SECONDS));

        assertThat(new String(client.getInputStream().readNBytes(10), StandardCharsets.US_ASCII)).isEqualTo("sent early");
    }

    @Test
    void closesTheClientWhenTheServiceHasNoForwarder() throws Exception {
        InputStream in = connect(service(channel -> Optional.empty())).getInputStream();

        assertThat(in.read()).as("end of stream").isEqualTo(-1);
    }

    @Test
    void closesTheClientWhenTheTargetRefusesTheConnection() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        InputStream in = connect(service(channel -> forwardingTo(closedPort, channel))).getInputStream();

        assertThat(in.read()).as("end of stream").isEqualTo(-1);
        assertThat(contexts).singleElement().satisfies(context -> assertThat(context.relayedUpstream()).isNotDone());
    }
}
