package io.gost.runtime.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What reaches Netty's epoll registration, i.e. which {@code epoll_ctl} calls are made. */
class EpollEmptyInterestGuardTest {

    private final RecordingRegistration netty = new RecordingRegistration();
    private final EpollEmptyInterestGuard.GuardedRegistration guarded =
            new EpollEmptyInterestGuard.GuardedRegistration(netty);

    @Test
    void anEmptyInterestSetKeepsTheFdRegisteredForErrorsOnly() {
        guarded.submit(EpollIoOps.EPOLLRDHUP);
        guarded.submit(EpollIoOps.NONE);

        assertThat(netty.submitted).containsExactly(EpollIoOps.EPOLLRDHUP.value(), EpollIoOps.EPOLLERR.value());
    }

    @Test
    void resubmittingTheSetTheFdAlreadyHasMakesNoSystemCall() {
        // What Netty does when a connect completes: clear EPOLLOUT, then submit the current set again.
        guarded.submit(EpollIoOps.EPOLLOUT.with(EpollIoOps.EPOLLRDHUP));
        guarded.submit(EpollIoOps.EPOLLRDHUP);
        guarded.submit(EpollIoOps.EPOLLRDHUP);
        guarded.submit(EpollIoOps.EPOLLRDHUP.with(EpollIoOps.EPOLLIN));

        assertThat(netty.submitted).containsExactly(
                EpollIoOps.EPOLLOUT.with(EpollIoOps.EPOLLRDHUP).value(),
                EpollIoOps.EPOLLRDHUP.value(),
                EpollIoOps.EPOLLRDHUP.with(EpollIoOps.EPOLLIN).value());
    }

    @Test
    void aSetThatFailedToReachTheFdIsSubmittedAgain() {
        guarded.submit(EpollIoOps.EPOLLRDHUP);
        netty.failNext = true;
        try {
            guarded.submit(EpollIoOps.EPOLLIN);
        } catch (IllegalStateException expected) {
            // the epoll_ctl failed
        }
        guarded.submit(EpollIoOps.EPOLLIN);

        assertThat(netty.submitted).containsExactly(EpollIoOps.EPOLLRDHUP.value(), EpollIoOps.EPOLLIN.value(),
                EpollIoOps.EPOLLIN.value());
    }

    /** Netty's side: records each submit, i.e. each epoll_ctl. */
    private static final class RecordingRegistration implements IoRegistration {
        final List<Integer> submitted = new ArrayList<>();
        boolean failNext;

        @Override
        public <T> T attachment() {
            return null;
        }

        @Override
        public long submit(IoOps ops) {
            int value = ((EpollIoOps) ops).value();
            submitted.add(value);
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("epoll_ctl failed");
            }
            return value;
        }

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public boolean cancel() {
            return true;
        }
    }
}
