package io.gost.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import io.gost.api.SocketPurpose;
import io.gost.api.SocketPurpose.Kind;
import java.net.BindException;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingNetnsProviderTest {

    private static final NetnsRef NS1 = new NetnsRef("ns1");
    private static final NetnsRef NS2 = new NetnsRef("/run/netns/ns2");
    private static final SocketPurpose LISTEN = new SocketPurpose(Kind.LISTEN, "service-0", "198.18.0.1:8000");
    private static final SocketPurpose DIAL_TARGET = new SocketPurpose(Kind.DIAL_TARGET, "service-0", "198.18.1.1:8000");
    private static final SocketPurpose DIAL_NODE = new SocketPurpose(Kind.DIAL_NODE, "node-0", "198.18.1.1:8080");

    private final RecordingNetnsProvider provider = new RecordingNetnsProvider();

    @Test
    void isNamedRecordingWithAPriorityBelowLinux() {
        assertThat(provider.name()).isEqualTo("recording");
        assertThat(provider.priority()).isLessThan(0);
    }

    @Test
    void openedNamespaceRunsWorkOnItsOwnPlatformThreadAndRecordsIt() throws Exception {
        try (NetworkNamespace ns1 = provider.open(NS1)) {
            Thread worker = await(ns1.createSockets(LISTEN, Thread::currentThread));

            assertThat(worker).isNotSameAs(Thread.currentThread());
            assertThat(worker.getName()).isEqualTo("gost-netns-ns1");
            assertThat(provider.records()).containsExactly(new SocketRecord(NS1, LISTEN, "gost-netns-ns1"));
        }
    }

    @Test
    void currentNamespaceRunsWorkInlineAndRecordsNoNamespace() throws Exception {
        Thread worker = await(provider.current().createSockets(DIAL_TARGET, Thread::currentThread));

        assertThat(worker).isSameAs(Thread.currentThread());
        assertThat(provider.current().ref()).isEmpty();
        assertThat(provider.records()).singleElement().satisfies(record -> {
            assertThat(record.inCurrentNamespace()).isTrue();
            assertThat(record.namespace()).isNull();
            assertThat(record.threadName()).isEqualTo(Thread.currentThread().getName());
        });
    }

    @Test
    void recordsKeepTheOrderTheWorkRanInAndFilterByKind() throws Exception {
        try (NetworkNamespace ns1 = provider.open(NS1); NetworkNamespace ns2 = provider.open(NS2)) {
            await(ns1.createSockets(LISTEN, () -> null));
            await(ns2.createSockets(DIAL_NODE, () -> null));
            await(provider.current().createSockets(DIAL_TARGET, () -> null));
        }

        assertThat(provider.records()).extracting(SocketRecord::namespace).containsExactly(NS1, NS2, null);
        assertThat(provider.recordsFor(Kind.DIAL_NODE))
                .containsExactly(new SocketRecord(NS2, DIAL_NODE, "gost-netns-/run/netns/ns2"));
        assertThat(provider.recordsFor(Kind.CLIENT_SIDE)).isEmpty();
    }

    @Test
    void clearForgetsRecordsButKeepsHandlesOpen() throws Exception {
        try (NetworkNamespace ns1 = provider.open(NS1)) {
            await(ns1.createSockets(LISTEN, () -> null));

            provider.clear();

            assertThat(provider.records()).isEmpty();
            assertThat(provider.openNamespaces()).containsExactly(NS1);
        }
    }

    @Test
    void openNamespacesListsHandlesUntilEachIsClosed() throws Exception {
        NetworkNamespace first = provider.open(NS1);
        NetworkNamespace second = provider.open(NS1);
        NetworkNamespace other = provider.open(NS2);
        assertThat(provider.openNamespaces()).containsExactlyInAnyOrder(NS1, NS2);

        first.close();
        first.close();
        other.close();
        assertThat(provider.openNamespaces()).containsExactly(NS1);

        second.close();
        assertThat(provider.openNamespaces()).isEmpty();
    }

    @Test
    void failOpenMakesOpeningThatNamespaceFailWithTheMessage() throws Exception {
        provider.failOpen(NS1, "network namespace 'ns1' does not exist");

        assertThatThrownBy(() -> provider.open(NS1))
                .isInstanceOf(NetnsException.class)
                .hasMessage("network namespace 'ns1' does not exist");
        assertThat(provider.openNamespaces()).isEmpty();
        provider.open(NS2).close();

        provider.allowOpen(NS1);
        provider.open(NS1).close();
    }

    @Test
    void failingWorkFailsItsStageAndIsStillRecorded() throws Exception {
        try (NetworkNamespace ns1 = provider.open(NS1)) {
            CompletableFuture<Object> failed = ns1.createSockets(LISTEN, () -> {
                throw new BindException("Cannot assign requested address");
            }).toCompletableFuture();

            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(BindException.class);
            assertThat(await(ns1.createSockets(DIAL_TARGET, () -> "next"))).isEqualTo("next");
            assertThat(provider.records()).extracting(record -> record.purpose().kind())
                    .containsExactly(Kind.LISTEN, Kind.DIAL_TARGET);
        }
    }

    @Test
    void workAfterCloseFailsNamingTheNamespaceAndTheSocket() throws Exception {
        NetworkNamespace ns1 = provider.open(NS1);
        ns1.close();

        assertThatThrownBy(() -> await(ns1.createSockets(LISTEN, () -> "bound")))
                .hasCauseInstanceOf(NetnsException.class)
                .cause()
                .hasMessage("network namespace 'ns1' was closed; the LISTEN socket of service-0 (198.18.0.1:8000)"
                        + " was not created");
        assertThat(provider.records()).isEmpty();
    }

    @Test
    void workQueuedWhenClosedFailsAndRunningWorkFinishes() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NetworkNamespace ns1 = provider.open(NS1);
        CompletionStage<String> first = ns1.createSockets(LISTEN, () -> {
            running.countDown();
            release.await();
            return "bound";
        });
        running.await();
        CompletionStage<String> queued = ns1.createSockets(DIAL_TARGET, () -> "dialed");

        ns1.close();
        release.countDown();

        assertThat(await(first)).isEqualTo("bound");
        assertThatThrownBy(() -> await(queued)).hasCauseInstanceOf(NetnsException.class);
        assertThat(provider.records()).extracting(record -> record.purpose().kind()).containsExactly(Kind.LISTEN);
    }

    @Test
    void recordsAreImmutableSnapshots() throws Exception {
        List<SocketRecord> before = provider.records();
        await(provider.current().createSockets(LISTEN, () -> null));

        assertThat(before).isEmpty();
        assertThatThrownBy(() -> provider.records().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void isFoundByServiceLoaderAsTheProviderNamedRecording() {
        // The test runs inside io.gost.testkit, which provides the service but has no reason to use it.
        getClass().getModule().addUses(NetnsProvider.class);
        List<String> names = ServiceLoader.load(NetnsProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .map(NetnsProvider::name)
                .toList();

        assertThat(names).contains("recording");
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
