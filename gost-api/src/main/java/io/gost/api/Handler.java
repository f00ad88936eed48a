package io.gost.api;

import io.netty.channel.Channel;

/**
 * Speaks a service's protocol on an accepted connection (HTTP proxy, SOCKS5, TCP forward ...): decides
 * the target, asks {@link HandlerContext#router()} or {@link HandlerContext#forwarder()} for an
 * outbound connection, answers the client, then lets {@link HandlerContext#relay} move the bytes.
 *
 * <p>A handler owns the client channel from {@link #handle} on and must close it on every path that
 * does not end in a relay. Nothing here may block: all waiting is done with futures.
 */
public interface Handler extends AutoCloseable {

    /**
     * Takes over an accepted connection. Called on the channel's event loop, with auto-read off.
     */
    void handle(Channel client, HandlerContext context);

    /** Releases what the handler holds across connections, if anything. */
    @Override
    default void close() {
    }
}
