package io.gost.plugin.tcp.testing;

import io.gost.api.DialContext;
import io.gost.api.Transport;
import io.netty.channel.EventLoop;
import java.time.Duration;

/** A {@link DialContext} made of its three parts. */
public record TestDialContext(EventLoop eventLoop, Transport transport, Duration timeout) implements DialContext {
}
