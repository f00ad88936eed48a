package io.gost.plugin.tcp.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a server channel does when accept(2) fails, e.g. with EMFILE. */
class AcceptErrorHandlerTest {

    @Test
    void aFailedAcceptPausesAcceptingAndResumesAfterThePause() {
        EmbeddedChannel server = new EmbeddedChannel(new AcceptErrorHandler("service-0"));
        server.freezeTime();

        server.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));

        assertThat(server.config().isAutoRead()).as("paused").isFalse();
        server.advanceTimeBy(AcceptErrorHandler.PAUSE_MILLIS - 1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertThat(server.config().isAutoRead()).as("still paused").isFalse();
        server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertThat(server.config().isAutoRead()).as("accepting again").isTrue();
        // Handled here: nothing reaches the end of the pipeline, where Netty would log a stack trace.
        server.checkException();
        server.finishAndReleaseAll();
    }

    @Test
    void repeatedFailuresKeepRetryingAtThePause() {
        EmbeddedChannel server = new EmbeddedChannel(new AcceptErrorHandler("service-0"));
        server.freezeTime();

        for (int attempt = 0; attempt < 5; attempt++) {
            server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
            assertThat(server.config().isAutoRead()).isFalse();
            server.advanceTimeBy(AcceptErrorHandler.PAUSE_MILLIS, TimeUnit.MILLISECONDS);
            server.runScheduledPendingTasks();
            assertThat(server.config().isAutoRead()).isTrue();
        }
        server.finishAndReleaseAll();
    }

    @Test
    void acceptedChannelsAndOtherFailuresPassThrough() {
        EmbeddedChannel server = new EmbeddedChannel(new AcceptErrorHandler("service-0"));
        Object accepted = new Object();

        server.pipeline().fireChannelRead(accepted);
        server.pipeline().fireExceptionCaught(new IllegalStateException("a bug, not a full descriptor table"));

        assertThat((Object) server.readInbound()).isSameAs(accepted);
        assertThatThrownBy(server::checkException).isInstanceOf(IllegalStateException.class);
        assertThat(server.config().isAutoRead()).isTrue();
        server.finishAndReleaseAll();
    }
}
