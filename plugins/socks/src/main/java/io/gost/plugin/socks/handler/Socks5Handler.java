package io.gost.plugin.socks.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.gost.plugin.socks.pipeline.SocksPipelineNames;
import io.netty.channel.Channel;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.util.Objects;

/**
 * The SOCKS5 proxy server (RFC 1928, with RFC 1929 username/password authentication).
 *
 * <p>Per connection it installs Netty's SOCKS5 server codec and a {@link Socks5ServerHandshakeHandler}
 * (pipeline order in {@link SocksPipelineNames}) and asks for the first bytes. The handshake handler
 * negotiates the method, checks credentials, decodes the command and runs it: CONNECT through the
 * service's router, then the runtime's relay; BIND and UDP ASSOCIATE with sockets created in the service's
 * network namespace ({@link HandlerContext#createClientSideSocket}).
 *
 * <p>Stateless: one instance serves every connection of a service.
 */
public final class Socks5Handler implements Handler {

    private final Socks5HandlerConfig config;

    public Socks5Handler(Socks5HandlerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public void handle(Channel client, HandlerContext context) {
        client.pipeline()
                .addLast(SocksPipelineNames.SERVER_ENCODER, Socks5ServerEncoder.DEFAULT)
                .addLast(SocksPipelineNames.SERVER_DECODER, new Socks5InitialRequestDecoder())
                .addLast(SocksPipelineNames.SERVER_HANDSHAKE, new Socks5ServerHandshakeHandler(config, context));
        client.read();
    }

    @Override
    public String toString() {
        return "Socks5Handler[auth=" + config.authenticator().isPresent() + ", udp=" + config.udpEnabled()
                + ", bind=" + config.bindEnabled() + ", handshakeTimeout=" + config.handshakeTimeout() + "]";
    }
}
