package io.gost.plugin.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import io.gost.testkit.netns.NetnsTopology;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider in real namespaces: {@code gtest-SUFFIX} with a veth pair to the default namespace on a free
 * /24 of 198.18.0.0/15. Needs root; skips without it unless GOST_REQUIRE_NETNS=1.
 */
class LinuxNetnsProviderNamespaceTest {

    private static final SocketPurpose LISTEN = new SocketPurpose(SocketPurpose.Kind.LISTEN, "service-0", "inside:0");

    private static NetnsTopology topology;
    private static NetnsTopology.Namespace gtest;

    private final LinuxNetnsProvider provider = new LinuxNetnsProvider();

    @BeforeAll
    static void createNamespace() throws IOException {
        if (NetnsTopology.unavailableReason().isEmpty()) {
            topology = NetnsTopology.create();
            gtest = topology.addNamespace("gtest");
        }
    }

    /** Per test, so that each skip is reported with its reason. */
    @BeforeEach
    void requireNamespaces() {
        NetnsTopology.unavailableReason().ifPresent(reason -> {
            if (NetnsTopology.requiredByEnvironment()) {
                fail(reason);
            } else {
                Assumptions.abort(reason);
            }
        });
    }

    @AfterAll
    static void removeNamespace() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void insideAddressIsNotLocalInTheDefaultNamespace() throws IOException {
        try (ServerSocketChannel outside = ServerSocketChannel.open()) {
            assertThatThrownBy(() -> outside.bind(new InetSocketAddress(gtest.insideAddress(), 0)))
                    .isInstanceOf(BindException.class);
        }
    }

    @Test
    void socketCreatedThroughNamespaceByNameListensInsideAndIsReachableOverTheVeth() throws Exception {
        try (NetworkNamespace namespace = provider.open(gtest.ref());
             ServerSocketChannel server = await(namespace.createSockets(LISTEN, this::bindInside))) {
            assertEchoThroughVeth(server);
        }
    }

    @Test
    void namespaceByRunNetnsPathIsTheSame() throws Exception {
        try (NetworkNamespace namespace = provider.open(gtest.pathRef());
             ServerSocketChannel server = await(namespace.createSockets(LISTEN, this::bindInside))) {
            assertThat(namespace.ref()).contains(new NetnsRef("/run/netns/" + gtest.name()));
            assertEchoThroughVeth(server);
        }
    }

    @Test
    void namespaceByProcessPathIsTheProcesssNamespace() throws Exception {
        Process sleeper = topology.startInside(gtest, "sleep", "30");
        try {
            NetnsRef byProcess = new NetnsRef("/proc/" + sleeper.pid() + "/ns/net");
            try (NetworkNamespace namespace = provider.open(byProcess);
                 ServerSocketChannel server = await(namespace.createSockets(LISTEN, this::bindInside))) {
                assertEchoThroughVeth(server);
            }
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void workThreadIsInTheNamespaceAndCallerStaysWhereItWas() throws Exception {
        String callerBefore = NetnsTopology.threadNamespace();
        try (NetworkNamespace namespace = provider.open(gtest.ref())) {
            String seenByWork = await(namespace.createSockets(LISTEN, NetnsTopology::threadNamespace));
            Thread workThread = await(namespace.createSockets(LISTEN, Thread::currentThread));

            assertThat(seenByWork).isEqualTo(gtest.id()).isNotEqualTo(callerBefore);
            assertThat(workThread).isNotSameAs(Thread.currentThread());
            assertThat(workThread.getName()).isEqualTo("gost-netns-" + gtest.name());
        }
        assertThat(NetnsTopology.threadNamespace()).isEqualTo(callerBefore);
    }

    @Test
    void closedNamespaceReleasesItsThread() throws Exception {
        NamespaceThread namespace = (NamespaceThread) provider.open(gtest.ref());
        await(namespace.createSockets(LISTEN, () -> null));

        namespace.close();

        namespace.thread().join(TimeUnit.SECONDS.toMillis(10));
        assertThat(namespace.thread().isAlive()).isFalse();
    }

    @Test
    void currentNamespaceCreatesSocketsInTheDefaultNamespace() throws Exception {
        try (ServerSocketChannel server = await(provider.current().createSockets(LISTEN, () -> {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(gtest.outsideAddress(), 0));
            return channel;
        }))) {
            assertThat(((InetSocketAddress) server.getLocalAddress()).getAddress()).isEqualTo(gtest.outsideAddress());
        }
    }

    @Test
    void missingNamespaceNamesTheFixCommand() {
        String name = "gmissing-" + topology.suffix();

        assertThatThrownBy(() -> provider.open(new NetnsRef(name)))
                .hasMessage("network namespace '" + name + "' does not exist: /run/netns/" + name + " not found;"
                        + " create it with `ip netns add " + name + "`");
        assertThat(Files.exists(Path.of("/run/netns", name))).isFalse();
    }

    private ServerSocketChannel bindInside() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(gtest.insideAddress(), 0));
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** Connects from the default namespace (this thread) to the server inside, through the veth pair. */
    private static void assertEchoThroughVeth(ServerSocketChannel server) throws IOException {
        InetSocketAddress listening = (InetSocketAddress) server.getLocalAddress();
        assertThat(listening.getAddress()).isEqualTo(gtest.insideAddress());
        try (SocketChannel client = SocketChannel.open(listening);
             SocketChannel accepted = server.accept()) {
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer received = ByteBuffer.allocate(4);
            while (received.hasRemaining() && accepted.read(received) >= 0) {
                // read until the four bytes are in
            }
            assertThat(new String(received.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
            assertThat(((InetSocketAddress) accepted.getRemoteAddress()).getAddress()).isEqualTo(gtest.outsideAddress());
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
