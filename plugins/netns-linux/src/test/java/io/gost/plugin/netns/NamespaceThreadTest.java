package io.gost.plugin.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.NetnsException;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The thread model of an open namespace, with system calls that enter nothing, so it runs without root. */
class NamespaceThreadTest {

    private static final SocketPurpose LISTEN = new SocketPurpose(SocketPurpose.Kind.LISTEN, "service-0", "198.18.0.1:8000");
    private static final SocketPurpose DIAL = new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET, "service-0", "198.18.1.1:8000");

    private final FakeSyscalls syscalls = FakeSyscalls.succeeding();
    private final LinuxNetnsProvider provider = new LinuxNetnsProvider("Linux", () -> syscalls);

    @Test
    void namespaceIsEnteredOnceByItsOwnDaemonThreadNamedForIt() throws Exception {
        try (NetworkNamespace namespace = provider.open(new NetnsRef("ns1"))) {
            Thread worker = await(namespace.createSockets(LISTEN, Thread::currentThread));
            await(namespace.createSockets(DIAL, Thread::currentThread));

            assertThat(worker).isNotSameAs(Thread.currentThread());
            assertThat(worker.getName()).isEqualTo("gost-netns-ns1");
            assertThat(worker.isDaemon()).isTrue();
            assertThat(syscalls.enteringThreads).containsExactly("gost-netns-ns1");
            assertThat(namespace.ref()).contains(new NetnsRef("ns1"));
        }
    }

    @Test
    void everyPieceOfWorkRunsOnTheSameThread() throws Exception {
        try (NetworkNamespace namespace = provider.open(new NetnsRef("ns1"))) {
            Thread first = await(namespace.createSockets(LISTEN, Thread::currentThread));
            Thread second = await(namespace.createSockets(DIAL, Thread::currentThread));

            assertThat(second).isSameAs(first);
        }
    }

    @Test
    void callerDoesNotWaitForTheWork() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (NetworkNamespace namespace = provider.open(new NetnsRef("ns1"))) {
            CompletableFuture<String> result = namespace.createSockets(LISTEN, () -> {
                release.await();
                return "bound";
            }).toCompletableFuture();

            assertThat(result).isNotDone();
            release.countDown();
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("bound");
        }
    }

    @Test
    void failingWorkFailsItsStageAndTheThreadServesTheNext() throws Exception {
        try (NetworkNamespace namespace = provider.open(new NetnsRef("ns1"))) {
            CompletableFuture<Object> failed = namespace.createSockets(LISTEN, () -> {
                throw new java.net.BindException("Cannot assign requested address");
            }).toCompletableFuture();

            assertThatThrownBy(failed::join).hasCauseInstanceOf(java.net.BindException.class);
            assertThat(await(namespace.createSockets(DIAL, () -> "dialed"))).isEqualTo("dialed");
        }
    }

    @Test
    void closeEndsTheThreadAndClosesTheNamespaceFileOnce() throws Exception {
        NamespaceThread namespace = (NamespaceThread) provider.open(new NetnsRef("ns1"));

        namespace.close();
        namespace.close();

        namespace.thread().join(TimeUnit.SECONDS.toMillis(10));
        assertThat(namespace.thread().isAlive()).isFalse();
        assertThat(syscalls.closed).containsExactly(40);
    }

    @Test
    void workQueuedWhenClosedFailsNamingNamespaceAndSocket() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NetworkNamespace namespace = provider.open(new NetnsRef("ns1"));
        CompletableFuture<String> first = namespace.createSockets(LISTEN, () -> {
            running.countDown();
            release.await();
            return "bound";
        }).toCompletableFuture();
        running.await();
        CompletableFuture<String> queued = namespace.createSockets(DIAL, () -> "dialed").toCompletableFuture();

        namespace.close();
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("bound");
        assertThatThrownBy(queued::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(NetnsException.class)
                .hasMessage("network namespace 'ns1' was closed; the DIAL_TARGET socket of service-0 (198.18.1.1:8000)"
                        + " was not created");
    }

    @Test
    void workAfterCloseFails() {
        NetworkNamespace namespace;
        try {
            namespace = provider.open(new NetnsRef("ns1"));
        } catch (NetnsException e) {
            throw new AssertionError(e);
        }
        namespace.close();

        assertThatThrownBy(() -> namespace.createSockets(LISTEN, () -> "bound").toCompletableFuture().join())
                .cause()
                .isInstanceOf(NetnsException.class)
                .hasMessage("network namespace 'ns1' was closed; the LISTEN socket of service-0 (198.18.0.1:8000)"
                        + " was not created");
    }

    @Test
    void eachOpenHasItsOwnThread() throws Exception {
        try (NetworkNamespace first = provider.open(new NetnsRef("ns1"));
             NetworkNamespace second = provider.open(new NetnsRef("/run/netns/ns2"))) {
            Thread firstThread = await(first.createSockets(LISTEN, Thread::currentThread));
            Thread secondThread = await(second.createSockets(LISTEN, Thread::currentThread));

            assertThat(firstThread).isNotSameAs(secondThread);
            assertThat(secondThread.getName()).isEqualTo("gost-netns-/run/netns/ns2");
            assertThat(syscalls.opened).containsExactly("/run/netns/ns1", "/run/netns/ns2");
        }
    }

    @Test
    void currentNamespaceRunsWorkInlineOnTheCaller() throws Exception {
        NetworkNamespace current = provider.current();

        assertThat(await(current.createSockets(LISTEN, Thread::currentThread))).isSameAs(Thread.currentThread());
        assertThat(current.ref()).isEmpty();
        current.close();
        assertThat(await(current.createSockets(LISTEN, () -> "still works after close"))).isEqualTo("still works after close");
        assertThat(syscalls.opened).isEmpty();
    }

    @Test
    void currentNamespaceReportsFailingWorkInTheStage() {
        assertThatThrownBy(() -> provider.current().createSockets(LISTEN, () -> {
            throw new java.net.BindException("Address already in use");
        }).toCompletableFuture().join()).hasCauseInstanceOf(java.net.BindException.class);
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
