package io.gost.plugin.relay;

import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * What the handler's BIND and UDP requests may do with the client connection once its request is read. Implemented
 * by {@link RelayHandler}'s session; every method must be called on the client's event loop ({@link #onClientLoop}).
 */
interface RequestSession {

    Channel client();

    HandlerContext context();

    /** For log lines: {@code SERVICE SID CLIENT}. */
    String who();

    /** Answers {@code status} without features, logs and records {@code why}, then closes the connection. */
    void refuse(int status, String why);

    /**
     * Removes the request's handlers from the client's pipeline. What the client sent behind its request stays held
     * for the first read; {@code codec}, when not null, goes behind the holder, so those bytes are decoded like the
     * rest.
     */
    void handOver(ChannelHandler codec);

    /** Runs {@code task} on the client's event loop: inline when already there. */
    default void onClientLoop(Runnable task) {
        if (client().eventLoop().inEventLoop()) {
            task.run();
        } else {
            client().eventLoop().execute(task);
        }
    }
}
