package io.gost.runtime.chain;

import io.gost.api.NetnsRef;
import io.gost.api.SocketPurpose;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Decides in which network namespace a socket is created: the router hands every socket-creating step
 * (a dialer's {@code dial}) to {@link #place}, and the runtime's implementation runs it on a thread inside
 * the namespace. Everything after the socket exists runs on the normal event loops.
 */
public interface SocketPlacement {

    /**
     * Runs socket-creating work in {@code namespace} ({@code null} = the process's own namespace) and
     * returns its future; never blocks the caller.
     *
     * @param purpose  what the socket is for, so that logs and a recording placement can tell sockets apart
     * @param executor completes the returned future when the work runs elsewhere (the dial's event loop)
     * @param work     creates the socket and starts the operation; its future is the result
     */
    <T> Future<T> place(NetnsRef namespace, SocketPurpose purpose, EventExecutor executor,
                        Supplier<Future<T>> work);

    /**
     * Runs everything inline on the calling thread, for tests and runtimes with no namespaces configured.
     * Asked for a namespace, it fails the work rather than create the socket in the wrong one.
     */
    SocketPlacement INLINE = new SocketPlacement() {
        @Override
        public <T> Future<T> place(NetnsRef namespace, SocketPurpose purpose, EventExecutor executor,
                                   Supplier<Future<T>> work) {
            if (namespace != null) {
                return executor.newFailedFuture(new IllegalStateException("cannot create the socket for "
                        + purpose.owner() + " (" + purpose.address() + ") in network namespace '" + namespace
                        + "': this runtime places sockets inline, without namespace support"));
            }
            try {
                return work.get();
            } catch (RuntimeException e) {
                return executor.newFailedFuture(e);
            }
        }

        @Override
        public String toString() {
            return "SocketPlacement.INLINE";
        }
    };
}
