package io.gost.api;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What a dialer needs for one dial. */
public interface DialContext {

    /** The event loop the new channel must be registered on (the client channel's, for relays). */
    EventLoop eventLoop();

    /** The runtime's shared transport. */
    Transport transport();

    /** How long the connect may take. */
    Duration timeout();

    /**
     * The local address to bind the new socket to before connecting (GOST's {@code interface}: an address of
     * that interface, port 0). Empty (the default) to let the kernel choose. A dialer that opens a socket
     * binds it here.
     */
    default Optional<InetSocketAddress> localAddress() {
        return Optional.empty();
    }

    /**
     * Socket options to set on the new socket before it connects (GOST's {@code so_mark}, and
     * {@code SO_BINDTODEVICE} for an {@code interface} given by name), as Netty channel options; empty by
     * default. A dialer that opens a socket sets every one of them.
     */
    default Map<ChannelOption<?>, Object> socketOptions() {
        return Map.of();
    }
}
