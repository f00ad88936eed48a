package io.gost.plugin.socks.handler;

import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.net.SocketAddress;

/**
 * What a running SOCKS5 command may do with the client connection once the request has been decoded.
 * Implemented by {@link Socks5ServerHandshakeHandler}; every method must be called on the client's event
 * loop ({@link #onClientLoop} gets there).
 */
interface CommandSession {

    Channel client();

    HandlerContext context();

    Socks5HandlerConfig config();

    /** For log lines: {@code service X: connection SID from CLIENT}. */
    String describe();

    /** Sends the error reply {@code status} (BND zero), then closes the client connection. */
    void fail(Socks5CommandStatus status);

    /** Sends a success reply carrying {@code bound} as BND.ADDR and BND.PORT. */
    ChannelFuture replySuccess(SocketAddress bound);

    /**
     * Writes to {@code upstream} whatever the client sent after its request, removes the SOCKS handlers
     * and starts the runtime's relay. Closes {@code upstream} instead when the client has gone.
     */
    void relayTo(Channel upstream);

    /**
     * Removes the SOCKS handlers and puts {@code controlHandler} in their place; bytes the client sent
     * after its request are dropped (a UDP association's control connection carries none).
     */
    void becomeControlConnection(ChannelHandler controlHandler);

    /**
     * Makes the connection a datagram channel: removes the SOCKS handlers and puts {@code codec} (a framing such
     * as UDP-TUN) behind what the client sent after its request, which it then decodes first.
     */
    void becomeDatagramTunnel(ChannelHandler codec);

    /**
     * Leaves the connection to a protocol that adds its own handlers at the end of the pipeline (MBIND's smux
     * session): removes the SOCKS handlers; what the client sent after its request stays held for the first read.
     */
    void becomeStreamCarrier();

    /** Asks for the client's next bytes; they are kept for {@link #relayTo}. */
    void readAhead();

    /** Runs {@code task} on the client's event loop: inline when already there. */
    default void onClientLoop(Runnable task) {
        if (client().eventLoop().inEventLoop()) {
            task.run();
        } else {
            client().eventLoop().execute(task);
        }
    }
}
