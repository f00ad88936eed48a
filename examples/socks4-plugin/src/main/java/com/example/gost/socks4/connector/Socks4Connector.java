package com.example.gost.socks4.connector;

import com.example.gost.socks4.protocol.Socks4;
import com.example.gost.socks4.protocol.Socks4Reply;
import com.example.gost.socks4.protocol.Socks4ReplyDecoder;
import io.gost.api.RouteException;
import io.gost.api.handshake.Handshake;
import io.gost.api.handshake.HandshakeConnector;
import io.netty.channel.ChannelHandler;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Connector {@code socks4}: one SOCKS4 (or SOCKS4a) CONNECT over an established connection to a hop.
 *
 * <p>Only the protocol is here: the request, and what the eight-byte reply means. {@link HandshakeConnector}
 * does the rest: the timeout, the future, removing the decoder, and keeping the tunnel bytes that come with
 * the reply for the next reader. {@code 0x5A} opens the tunnel; any other code fails with
 * {@code HOP_REJECTED} naming it; a reply that is not SOCKS4, or a target SOCKS4 cannot carry (IPv6), fails
 * with {@code GENERAL}.
 */
final class Socks4Connector extends HandshakeConnector {

    private final String userId;

    /**
     * @param userId          sent as USERID, possibly empty
     * @param timeoutOverride replaces the timeout {@link #connect} is given, when present
     */
    Socks4Connector(String userId, Optional<Duration> timeoutOverride) {
        super("socks4", timeoutOverride);
        this.userId = Objects.requireNonNull(userId, "userId");
    }

    @Override
    protected Handshake newHandshake(InetSocketAddress target) {
        return new Handshake() {
            @Override
            protected List<ChannelHandler> codecs() {
                return List.of(new Socks4ReplyDecoder());
            }

            @Override
            protected Object firstRequest() {
                try {
                    return Socks4.encodeConnect(alloc(), target, userId);
                } catch (IllegalArgumentException e) {
                    if (target.getAddress() instanceof Inet6Address) {
                        throw new IllegalArgumentException(e.getMessage() + "; use a socks5 hop for it", e);
                    }
                    throw e;
                }
            }

            @Override
            protected boolean onAnswer(Object answer) throws RouteException {
                Socks4Reply reply = (Socks4Reply) answer;
                if (reply.version() != Socks4.REPLY_VERSION) {
                    throw malformed("answered CONNECT " + target() + " with something that is not a SOCKS4 reply (it"
                            + " starts with " + Socks4.hex(reply.version()) + ", SOCKS4 replies start with 0x00);"
                            + " is it a SOCKS4 server?");
                }
                if (!reply.granted()) {
                    throw answeredWith(Socks4.describeReply(reply.code()));
                }
                return true;
            }
        };
    }

    @Override
    public String toString() {
        return "Socks4Connector[userId=" + (userId.isEmpty() ? "(none)" : userId) + "]";
    }
}
