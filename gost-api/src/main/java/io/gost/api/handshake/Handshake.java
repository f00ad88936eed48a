package io.gost.api.handshake;

import io.gost.api.RouteException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.List;
import java.util.Objects;

/**
 * One connector handshake with one hop: what a protocol sends and how it reads the answers. Everything
 * else (adding and removing the codecs, the timeout, reading, the bytes that follow the answer, the
 * result future and how failures are reported) is {@link HandshakeConnector}'s.
 *
 * <p>A connector creates one per {@code connect}. Its methods are called on the channel's event loop, in
 * this order: {@link #codecs()}, {@link #firstRequest()}, then {@link #onAnswer} for each message the codecs
 * decode until it returns true or throws. A protocol with several steps (SOCKS5: method, credentials,
 * CONNECT) sends the next request from {@code onAnswer} with {@link #send} and swaps decoders with
 * {@link #replaceCodec}.
 */
public abstract class Handshake {

    private HandshakeDriver driver;
    private Channel channel;
    private String hop;
    private String target;

    /**
     * The handlers that encode this protocol's requests and decode the hop's answers, in pipeline order. The
     * connector appends them to the channel's pipeline and removes them when the handshake ends.
     */
    protected abstract List<ChannelHandler> codecs();

    /**
     * The first request, written through the codecs once they are in place.
     *
     * @throws IllegalArgumentException when the protocol cannot ask for the target (e.g. an IPv6 address in
     *                                  SOCKS4); the message says why, and nothing is sent
     */
    protected abstract Object firstRequest();

    /**
     * Reads one message the codecs decoded; the connector releases it afterwards.
     *
     * @return true when the hop granted the tunnel: every byte after this answer belongs to the tunnel;
     *         false to wait for more (after sending the next request, for a protocol with several steps)
     * @throws RouteException when the hop refuses ({@link #rejected}, {@link #answeredWith}) or answers
     *                        something this protocol cannot read ({@link #malformed})
     */
    protected abstract boolean onAnswer(Object answer) throws RouteException;

    /**
     * The request as messages name it, without its target: {@code "CONNECT"} (the default), {@code "BIND"},
     * {@code "UDP-TUN"} ...
     */
    protected String command() {
        return "CONNECT";
    }

    /**
     * Handlers that frame the granted tunnel, added at the end of the pipeline when the handshake succeeds (after
     * what the hop sent behind its answer, which they then decode like the rest): a datagram tunnel's codec. Empty
     * (the default) for a tunnel that carries the target's byte stream.
     */
    protected List<ChannelHandler> tunnelHandlers() {
        return List.of();
    }

    /**
     * What the handshake waits for now, e.g. {@code "waiting for its CONNECT reply"}: added to the messages
     * about a timeout or a hop that closed. Empty (the default) for a protocol with one step.
     */
    protected String awaiting() {
        return "";
    }

    /** Writes the next request of a protocol with several steps and asks for the answer. */
    protected final void send(Object request) {
        driver.send(request);
    }

    /** Puts {@code replacement} in place of the codec {@code current}; it is removed at the end like the others. */
    protected final void replaceCodec(ChannelHandler current, ChannelHandler replacement) {
        driver.replaceCodec(current, replacement);
    }

    /** The allocator of the hop's channel, for requests written as bytes. */
    protected final ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /** The hop as messages name it, e.g. {@code socks5 hop 127.0.0.1:1080}. */
    protected final String hop() {
        return hop;
    }

    /** The target as the hop is asked for it, {@code host:port}, IPv6 in brackets, e.g. {@code example.com:443}. */
    protected final String target() {
        return target;
    }

    /** A refusal: {@code HOP_REJECTED}, "HOP {@code what}", e.g. {@code rejected("accepts none of the offered methods")}. */
    protected final RouteException rejected(String what) {
        return new RouteException(RouteException.Reason.HOP_REJECTED, hop + " " + what);
    }

    /** A refusal of the request itself: "HOP answered CONNECT TARGET with {@code answer}". */
    protected final RouteException answeredWith(String answer) {
        return rejected("answered " + request() + " with " + answer);
    }

    /** The request and its target, as messages name them: {@code CONNECT example.com:443}. */
    protected final String request() {
        return target == null || target.isEmpty() ? command() : command() + " " + target;
    }

    /** An answer this protocol cannot read: {@code GENERAL}, "HOP {@code what}". */
    protected final RouteException malformed(String what) {
        return new RouteException(RouteException.Reason.GENERAL, hop + " " + what);
    }

    final void bind(Channel channel, String hop, String target) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.hop = hop;
        this.target = target;
    }

    final void attach(HandshakeDriver driver) {
        this.driver = driver;
    }
}
