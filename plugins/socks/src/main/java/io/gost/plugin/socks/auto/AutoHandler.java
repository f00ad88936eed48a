package io.gost.plugin.socks.auto;

import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.gost.plugin.socks.pipeline.SocksPipelineNames;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * GOST's {@code auto} handler: reads the client's first bytes and hands the connection to the handler
 * for the protocol they start: 0x05 → {@code socks5}, 0x04 → {@code socks4}, anything else → {@code http}.
 *
 * <p>The chosen handler must see the connection exactly as if it had been given it at accept: its
 * {@link Handler#handle} installs its own pipeline and calls {@code read()}. So nothing is consumed: the
 * sniffed chunk goes into an {@link io.gost.api.handshake.HeldInbound} where the sniffer
 * was (ahead of the delegate's handlers), which fires it up the pipeline on the delegate's first
 * {@code read()} instead of reading the socket, then removes itself.
 *
 * <p>A client that sends nothing within the handshake timeout ({@code readTimeout}, 15 s), or closes
 * first, is closed; so is one whose protocol has no handler here (no plugin provides {@code socks4} or
 * {@code http}), with a log line naming what is missing. A SOCKS4 client is first told so in its own
 * protocol: reply 0x5B, request rejected.
 */
public final class AutoHandler implements Handler {

    private final Handler socks5;
    private final Optional<Handler> socks4;
    private final Optional<Handler> http;
    private final Duration sniffTimeout;
    /** Delegates that do not ask about refusals themselves: the auto handler asks for them. */
    private final boolean checksForSocks4;
    private final boolean checksForHttp;

    AutoHandler(Handler socks5, Optional<Handler> socks4, Optional<Handler> http, Duration sniffTimeout,
                boolean checksForSocks4, boolean checksForHttp) {
        this.checksForSocks4 = checksForSocks4;
        this.checksForHttp = checksForHttp;
        this.socks5 = Objects.requireNonNull(socks5, "socks5");
        this.socks4 = Objects.requireNonNull(socks4, "socks4");
        this.http = Objects.requireNonNull(http, "http");
        this.sniffTimeout = Objects.requireNonNull(sniffTimeout, "sniffTimeout");
    }

    @Override
    public void handle(Channel client, HandlerContext context) {
        client.pipeline().addLast(SocksPipelineNames.AUTO_SNIFF, new ProtocolSniffHandler(this, context, sniffTimeout));
        client.read();
    }

    /** True when the delegate for {@code first} does not answer refusals, so the auto handler must. */
    boolean checksRefusalsFor(byte first) {
        return first == 0x04 ? checksForSocks4 : first != 0x05 && checksForHttp;
    }

    /** The handler for a connection whose first byte is {@code first}, if there is one. */
    Optional<Handler> delegateFor(byte first) {
        return switch (first) {
            case 0x05 -> Optional.of(socks5);
            case 0x04 -> socks4;
            default -> http;
        };
    }

    /** What a connection starting with {@code first} needs, for messages: {@code socks4} or {@code http}. */
    static String protocolOf(byte first) {
        return switch (first) {
            case 0x05 -> "socks5";
            case 0x04 -> "socks4";
            default -> "http";
        };
    }

    @Override
    public void close() {
        socks5.close();
        socks4.ifPresent(Handler::close);
        http.ifPresent(Handler::close);
    }

    @Override
    public String toString() {
        return "AutoHandler[socks5, socks4=" + socks4.isPresent() + ", http=" + http.isPresent() + "]";
    }
}
