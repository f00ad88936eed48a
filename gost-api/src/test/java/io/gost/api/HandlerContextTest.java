package io.gost.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stand-in that overrides nothing still behaves: neutral values, absent parts, and clear refusals. */
class HandlerContextTest {

    private final HandlerContext nothingOverridden = new HandlerContext() {
    };

    @Test
    void valuesAHandlerOnlyLogsHaveNeutralDefaults() {
        assertThat(nothingOverridden.serviceName()).isEqualTo("unnamed");
        assertThat(nothingOverridden.sessionId()).isEqualTo("-");
        assertThat(nothingOverridden.clientAddress()).isEqualTo(InetSocketAddress.createUnresolved("unknown", 0));
        assertThat(nothingOverridden.forwarder()).isEmpty();
        nothingOverridden.countBytes(10, 20);
    }

    @Test
    void dialingFailsWithARouteExceptionSayingThereIsNoRouter() {
        Future<Channel> dial = nothingOverridden.router().dial("tcp", new InetSocketAddress("127.0.0.1", 80));

        assertThat(dial.isDone()).isTrue();
        assertThat(dial.cause()).isInstanceOf(RouteException.class)
                .hasMessageContaining("has no router; cannot reach /127.0.0.1:80");
        assertThat(((RouteException) dial.cause()).reason()).isEqualTo(RouteException.Reason.GENERAL);
    }

    @Test
    void whatCannotBeFakedIsRefusedNamingTheContext() {
        EmbeddedChannel upstream = new EmbeddedChannel();

        assertThatThrownBy(nothingOverridden::transport).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(nothingOverridden.getClass().getName()).hasMessageEndingWith("offers no transport");
        assertThatThrownBy(() -> nothingOverridden.relay(upstream)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageEndingWith("offers no relay");
        upstream.finishAndReleaseAll();
    }

    @Test
    void clientSideSocketsAreCreatedInlineAndTheirFailuresFailTheStage() throws Exception {
        Thread caller = Thread.currentThread();

        Thread creator = nothingOverridden.createClientSideSocket(Thread::currentThread)
                .toCompletableFuture().get(1, TimeUnit.SECONDS);
        CompletableFuture<Object> failed = nothingOverridden.createClientSideSocket(() -> {
            throw new BindException("Address already in use");
        }).toCompletableFuture();

        assertThat(creator).isSameAs(caller);
        assertThat(failed).isCompletedExceptionally();
        assertThatThrownBy(failed::join).hasCauseInstanceOf(BindException.class);
    }
}
