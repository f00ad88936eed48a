package io.gost.runtime.service;

import java.net.InetSocketAddress;

/**
 * Hears of each connection of a service: the metrics' hook. Called on the connection's event loop; must
 * neither block nor lock.
 */
public interface ConnectionObserver {

    /** Observes nothing, at no cost. */
    ConnectionObserver NONE = (service, client) -> Connection.NONE;

    /**
     * A connection was accepted (after {@code maxConnections} let it in).
     *
     * @return what hears of its bytes and its end; {@link Connection#NONE} when nothing needs to
     */
    Connection opened(String service, InetSocketAddress client);

    /** One connection's events. */
    interface Connection {

        /** Hears nothing. */
        Connection NONE = new Connection() {
        };

        /** Bytes moved since the last call, as they move: {@code fromClient} read, {@code toClient} written. */
        default void bytes(long fromClient, long toClient) {
        }

        /**
         * The connection ended.
         *
         * @param durationNanos how long it was open
         * @param failed        true when it ended with an error (a failed dial, a broken relay ...)
         */
        default void closed(long durationNanos, boolean failed) {
        }
    }
}
