package io.gost.api.handshake;

import io.gost.api.Connector;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.HostPort;
import io.gost.api.RouteException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A connector whose protocol is a request/answer handshake (HTTP CONNECT, SOCKS4, SOCKS5 ...), in the manner
 * of Netty's {@code ProxyHandler}: a subclass says only what to send and how to read the answer, in a
 * {@link Handshake}; this class does the rest, the same way for every protocol.
 *
 * <p>{@link #connect} appends the handshake's codecs and a driver to the hop's pipeline (after whatever the
 * dialer installed, e.g. TLS), sends the first request and reads the answers. When the handshake reports the
 * tunnel granted it waits for the end of that read, removes every handler it added, and completes the future
 * with the same channel, auto-read off. Bytes the hop sent behind its answer (and its end of stream, if it
 * came) are left in a {@link HeldInbound} at the place of the handshake, for whoever reads next: the relay, or
 * the next connector of a chain. Failures close the channel and fail the future with a {@link RouteException}
 * that names the hop and the target:
 * <ul>
 *   <li>{@code HOP_REJECTED}: the hop refused ({@link Handshake#rejected}, {@link Handshake#answeredWith});</li>
 *   <li>{@code TIMEOUT}: no complete answer within the timeout (the metadata's {@link #TIMEOUT} if given, else
 *       the one {@code connect} is given; not positive means none);</li>
 *   <li>{@code GENERAL}: a malformed answer, the hop closing or failing first, a request that cannot be sent,
 *       a target the protocol cannot express, a network it cannot carry.</li>
 * </ul>
 * Cancelling the future closes the channel too. One instance serves every connection through its node.
 *
 * <p>Datagrams: a protocol that carries UDP overrides {@link #newHandshake(String, InetSocketAddress)} (and
 * {@link #newAssociation()}) with handshakes whose {@link Handshake#tunnelHandlers()} frame the datagrams; a
 * {@link io.gost.api.Binder} runs its own requests with {@link #handshake}.
 */
public abstract class HandshakeConnector implements Connector {

    /** GOST's connector key {@code timeout}, which {@link #timeout(Metadata)} reads. */
    public static final MetadataKey TIMEOUT = MetadataKey.duration("timeout", "",
            "handshake timeout; replaces the one the runtime gives (the chain's dial timeout)");

    private final String protocol;
    private final Optional<Duration> timeoutOverride;

    /**
     * @param protocol        the protocol as messages and pipeline names say it, e.g. {@code socks5}
     * @param timeoutOverride replaces the timeout {@link #connect} is given, when present ({@link #timeout})
     */
    protected HandshakeConnector(String protocol, Optional<Duration> timeoutOverride) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.timeoutOverride = Objects.requireNonNull(timeoutOverride, "timeoutOverride");
    }

    /**
     * The value of {@link #TIMEOUT} in a connector's metadata, empty when absent.
     *
     * @throws InvalidMetadataException when it is not a positive duration
     */
    public static Optional<Duration> timeout(Metadata metadata) {
        Optional<Object> value = metadata.value(TIMEOUT.name());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Duration timeout = Metadata.parseDuration(TIMEOUT.name(), String.valueOf(value.get()));
        if (timeout.isZero() || timeout.isNegative()) {
            throw new InvalidMetadataException(TIMEOUT.name(), value.get(), "expected a positive duration such as 10s");
        }
        return Optional.of(timeout);
    }

    /** Starts one handshake asking for {@code target}. Allocates nothing: codecs come from {@link Handshake#codecs()}. */
    protected abstract Handshake newHandshake(InetSocketAddress target);

    /**
     * Starts one handshake asking for {@code target} over {@code network}, or returns null when this protocol
     * cannot carry that network (the connect then fails saying so). The default asks {@link #newHandshake(
     * InetSocketAddress)} for tcp and carries nothing else; a protocol that can carry datagrams overrides it for
     * {@code "udp"} with a handshake whose {@link Handshake#tunnelHandlers()} frame them.
     */
    protected Handshake newHandshake(String network, InetSocketAddress target) {
        return "tcp".equals(network) ? newHandshake(target) : null;
    }

    /**
     * Starts one handshake asking for a UDP association ({@link Connector#associate}), or returns null (the
     * default) when this protocol has none.
     */
    protected Handshake newAssociation() {
        return null;
    }

    @Override
    public final Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(target, "target");
        Handshake handshake = newHandshake(network, target);
        if (handshake == null) {
            Promise<Channel> result = channel.eventLoop().newPromise();
            fail(channel, result, "the " + protocol + " connector tunnels tcp only; cannot connect " + network
                    + " to " + hostAndPort(target));
            return result;
        }
        return handshake(channel, handshake, hostAndPort(target), timeout);
    }

    @Override
    public final Future<Channel> associate(Channel channel, Duration timeout) {
        Objects.requireNonNull(channel, "channel");
        Handshake handshake = newAssociation();
        if (handshake == null) {
            Promise<Channel> result = channel.eventLoop().newPromise();
            fail(channel, result, "the " + protocol + " connector cannot carry UDP associations");
            return result;
        }
        return handshake(channel, handshake, "", timeout);
    }

    /**
     * Runs {@code handshake} with the hop at the far end of {@code channel}, as {@link #connect} does for the
     * handshakes it makes: for a connector with more requests than connect (a {@link io.gost.api.Binder}).
     *
     * @param wanted the target as messages name it ({@code host:port}), or empty when the request has none
     */
    protected final Future<Channel> handshake(Channel channel, Handshake handshake, String wanted, Duration timeout) {
        Promise<Channel> result = channel.eventLoop().newPromise();
        if (channel.eventLoop().inEventLoop()) {
            start(channel, handshake, wanted, timeout, result);
        } else {
            channel.eventLoop().execute(() -> start(channel, handshake, wanted, timeout, result));
        }
        return result;
    }

    private void start(Channel channel, Handshake handshake, String wanted, Duration timeout,
                       Promise<Channel> result) {
        String hop = protocol + " hop " + hostAndPort(channel.remoteAddress());
        handshake.bind(channel, hop, wanted);
        if (!channel.isActive()) {
            fail(channel, result, hop + " is not connected; cannot send " + handshake.request());
            return;
        }
        if (channel.pipeline().get(HandshakeDriver.class) != null) {
            fail(channel, result, "a handshake is already under way on the connection to " + hop
                    + "; cannot send " + handshake.request() + " before it completes");
            return;
        }
        Object request;
        try {
            request = handshake.firstRequest();
        } catch (IllegalArgumentException e) {
            fail(channel, result, "cannot ask " + hop + " for " + (wanted.isEmpty() ? handshake.request() : wanted)
                    + ": " + e.getMessage());
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        List<ChannelHandler> codecs = new ArrayList<>(handshake.codecs());
        String name = "gost-" + protocol + "-connector";
        for (int i = 0; i < codecs.size(); i++) {
            pipeline.addLast(free(pipeline, name + "-codec-" + i), codecs.get(i));
        }
        HandshakeDriver driver = new HandshakeDriver(handshake, codecs, result, timeoutOverride.orElse(timeout),
                name + "-pending");
        pipeline.addLast(free(pipeline, name), driver);
        driver.begin(request);
    }

    private static void fail(Channel channel, Promise<Channel> result, String message) {
        channel.close();
        result.tryFailure(new RouteException(RouteException.Reason.GENERAL, message));
    }

    /** {@code name} when the pipeline has no handler of that name, else {@code null} (Netty makes one up). */
    static String free(ChannelPipeline pipeline, String name) {
        return pipeline.get(name) == null ? name : null;
    }

    static String hostAndPort(SocketAddress address) {
        return HostPort.format(address);
    }

    /** {@code 5s} or {@code 500ms}, as users write durations in metadata. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
