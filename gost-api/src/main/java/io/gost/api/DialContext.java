package io.gost.api;

import io.netty.channel.EventLoop;
import java.time.Duration;

/** What a dialer needs for one dial. */
public interface DialContext {

    /** The event loop the new channel must be registered on (the client channel's, for relays). */
    EventLoop eventLoop();

    /** The runtime's shared transport. */
    Transport transport();

    /** How long the connect may take. */
    Duration timeout();
}
