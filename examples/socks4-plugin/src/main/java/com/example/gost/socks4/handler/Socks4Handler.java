package com.example.gost.socks4.handler;

import com.example.gost.socks4.protocol.Socks4RequestDecoder;
import io.gost.api.Authenticator;
import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import java.time.Duration;

/**
 * Handler {@code socks4}: per accepted connection, decodes the SOCKS4 request and lets a
 * {@link Socks4ServerHandler} answer it. Holds only settings, so one instance serves every connection of
 * a service.
 */
final class Socks4Handler implements Handler {

    /** Pipeline name of the {@link Socks4RequestDecoder}. */
    static final String REQUEST_DECODER = "socks4-request-decoder";
    /** Pipeline name of the {@link Socks4ServerHandler}. */
    static final String SERVER_HANDLER = "socks4-server";
    /** Pipeline name of the {@code HeldInbound} behind it that keeps what the client sends after its request. */
    static final String CLIENT_BYTES = "socks4-client-bytes";

    private final Duration readTimeout;
    private final Authenticator authenticator;

    /** @param authenticator checks the USERID; {@code null} accepts any */
    Socks4Handler(Duration readTimeout, Authenticator authenticator) {
        this.readTimeout = readTimeout;
        this.authenticator = authenticator;
    }

    @Override
    public void handle(Channel client, HandlerContext context) {
        Socks4ServerHandler server = new Socks4ServerHandler(context, authenticator);
        client.pipeline()
                .addLast(REQUEST_DECODER, new Socks4RequestDecoder())
                .addLast(SERVER_HANDLER, server);
        server.awaitRequest(readTimeout);
    }

    @Override
    public String toString() {
        return "Socks4Handler[readTimeout=" + readTimeout + ", auth=" + (authenticator != null) + "]";
    }
}
