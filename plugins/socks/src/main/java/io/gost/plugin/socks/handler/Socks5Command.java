package io.gost.plugin.socks.handler;

/** One SOCKS5 command being carried out for a client (CONNECT, BIND, UDP ASSOCIATE). */
interface Socks5Command {

    /** Starts it; called once, on the client's event loop, after the request was decoded. */
    void start();

    /** The client connection closed before the command handed it over: release what it holds. */
    void clientClosed();

    /** The client half-closed its side before the command handed the connection over. */
    default void clientInputEnded() {
        // CONNECT and BIND: the relay sees the half-close on the channel and passes it on.
    }
}
