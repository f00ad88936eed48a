package io.gost.runtime.transport;

import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;

/**
 * Keeps an epoll event meant for a closed socket from reaching the new socket that got the same file
 * descriptor number within one batch of events (Netty 4.2.18 and earlier).
 *
 * <p>Netty's {@code EpollIoHandler} collects a batch with one {@code epoll_wait}, then hands each event to
 * the channel registered under the event's fd number. Handling one event can close a socket whose event
 * comes later in the same batch, and open another one that the kernel gives the same, lowest free, number:
 * a relay that ends closes its upstream, and the next connection accepted on the same loop dials a new
 * one. The old socket's event (EPOLLIN, EPOLLRDHUP, EPOLLHUP) is then handled by the new channel, which
 * is not even connected yet: its read fails with ENOTCONN, or its input is taken for ended, and the relay
 * that starts on it passes an end of stream to its client before a byte came back. Under load about one
 * connection in 200,000 hit this (ChurnIT); it began to show when each listening socket got its own I/O
 * loop, so that accepting and dialing happen while the loop is still handling a batch.
 *
 * <p>No event in a batch can belong to a socket registered while that batch is being handled: the kernel
 * made the batch before the socket was added to the epoll set. So each channel registered during a batch
 * ignores the rest of that batch; its own events come with the next {@code epoll_wait}, as epoll reports
 * them until they are handled. Channels registered between batches (from a task, e.g. with
 * {@code -Dgost.listenerPerLoop=false}) are passed on untouched; with a listening socket per loop nearly
 * every accepted and dialed channel is registered during a batch and carries the wrapper, 32 bytes. Remove
 * the filter once Netty matches events to registrations by more than the fd number.
 *
 * <p>A wrapped channel is not counted by Netty's {@code registeredChannels()}; nothing here uses it.
 */
final class EpollStaleEventFilter extends ForwardingIoHandler {

    /** The number of the batch being handled, or of the last one; counts on the loop's thread only. */
    private long batch;
    private boolean inBatch;

    private EpollStaleEventFilter(IoHandler delegate) {
        super(delegate);
    }

    /** Wraps every handler {@code factory} makes. */
    static IoHandlerFactory filter(IoHandlerFactory factory) {
        return wrapping(factory, EpollStaleEventFilter::new);
    }

    /** One {@code epoll_wait} and the handling of its batch: Netty's {@code run} does exactly one of each. */
    @Override
    public int run(IoHandlerContext context) {
        batch++;
        inBatch = true;
        try {
            return delegate.run(context);
        } finally {
            inBatch = false;
        }
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        if (inBatch && handle instanceof EpollIoHandle epollHandle) {
            return delegate.register(new RegisteredDuringBatch(epollHandle, batch));
        }
        return delegate.register(handle);
    }

    /** True while the batch numbered {@code registeredIn} is still being handled. */
    private boolean stillIn(long registeredIn) {
        return inBatch && batch == registeredIn;
    }

    /** A channel registered during a batch: drops what the rest of that batch hands it. */
    private final class RegisteredDuringBatch implements EpollIoHandle {

        private final EpollIoHandle channel;
        private final long registeredIn;

        RegisteredDuringBatch(EpollIoHandle channel, long registeredIn) {
            this.channel = channel;
            this.registeredIn = registeredIn;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            if (!stillIn(registeredIn)) {
                channel.handle(registration, event);
            }
        }

        @Override
        public FileDescriptor fd() {
            return channel.fd();
        }

        @Override
        public void registered() {
            channel.registered();
        }

        @Override
        public void unregistered() {
            channel.unregistered();
        }

        @Override
        public void close() throws Exception {
            channel.close();
        }

        @Override
        public String toString() {
            return channel.toString();
        }
    }
}
