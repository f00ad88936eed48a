package io.gost.runtime.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;

/**
 * Works around a Netty epoll bug (4.2.13.Final up to at least 4.2.20.Final) that breaks any socket that
 * must wait to write after its input has ended, e.g. a relay still uploading after the server has sent
 * its answer and its FIN.
 *
 * <p>When a channel's interest set becomes empty (input ended, so no EPOLLIN/EPOLLRDHUP; nothing waiting
 * to be written, so no EPOLLOUT), Netty's {@code EpollIoHandler} removes the fd from the epoll set
 * ({@code EPOLL_CTL_DEL}) but still remembers it as added. The next time a write finds the socket buffer
 * full it asks for EPOLLOUT with {@code EPOLL_CTL_MOD}, which fails with ENOENT; Netty then fails that
 * write and every queued one and shuts the output down. The peer gets a truncated stream (or a reset when
 * the channel is closed with unread input), so bytes are lost mid-connection.
 *
 * <p>The guard asks for EPOLLERR instead of an empty set. The kernel reports EPOLLERR and EPOLLHUP
 * whether asked for or not, so the fd's wake-ups are exactly those of an empty set; but the fd stays
 * in the epoll set, and the later EPOLLOUT is a valid {@code EPOLL_CTL_MOD}. This is how Netty 4.2.12
 * and earlier behaved. Remove the guard once Netty re-adds a deleted fd itself.
 */
final class EpollEmptyInterestGuard extends ForwardingIoHandler {

    private EpollEmptyInterestGuard(IoHandler delegate) {
        super(delegate);
    }

    /** Wraps every handler {@code factory} makes. */
    static IoHandlerFactory guard(IoHandlerFactory factory) {
        return wrapping(factory, EpollEmptyInterestGuard::new);
    }

    /** The ops to ask for instead of {@code ops}: never the empty set. */
    static IoOps nonEmpty(IoOps ops) {
        if (ops instanceof EpollIoOps epollOps && epollOps.value() == EpollIoOps.NONE.value()) {
            return EpollIoOps.EPOLLERR;
        }
        return ops;
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new GuardedRegistration(delegate.register(handle));
    }

    /**
     * Passes everything through except an empty interest set, and a submit of the very set the fd already
     * has: Netty re-submits its whole set when a connect completes, just after clearing EPOLLOUT, and each
     * submit is an {@code epoll_ctl} system call.
     */
    static final class GuardedRegistration implements IoRegistration {

        private final IoRegistration delegate;
        /** What the fd was last given successfully, or -1 before the first submit. */
        private long submitted = -1;

        GuardedRegistration(IoRegistration delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T> T attachment() {
            return delegate.attachment();
        }

        @Override
        public synchronized long submit(IoOps ops) {
            IoOps asked = nonEmpty(ops);
            if (asked instanceof EpollIoOps epollOps && epollOps.value() == submitted) {
                return submitted;
            }
            long result = delegate.submit(asked);
            // Netty answers with the ops now in force, or -1 once the registration is cancelled.
            submitted = result;
            return result;
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public boolean cancel() {
            return delegate.cancel();
        }
    }
}
