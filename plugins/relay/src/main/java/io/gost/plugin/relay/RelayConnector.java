package io.gost.plugin.relay;

import io.gost.api.Credentials;
import io.gost.api.RouteException;
import io.gost.api.handshake.Handshake;
import io.gost.api.handshake.HandshakeConnector;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The relay connector with {@code nodelay=true}: request, answer, then the tunnel. */
final class RelayConnector extends HandshakeConnector {

    private final Optional<Credentials> credentials;

    RelayConnector(Optional<Credentials> credentials, Optional<Duration> timeout) {
        super("relay", timeout);
        this.credentials = credentials;
    }

    @Override
    protected Handshake newHandshake(InetSocketAddress target) {
        return new Handshake() {
            @Override
            protected List<ChannelHandler> codecs() {
                return List.of(new RelayMessageDecoder("response"));
            }

            @Override
            protected Object firstRequest() {
                return RelayProtocol.connectRequest(alloc(), target, credentials.map(Credentials::username).orElse(null),
                        credentials.map(Credentials::password).orElse(null));
            }

            @Override
            protected boolean onAnswer(Object answer) throws RouteException {
                if (!(answer instanceof RelayMessage response)) {
                    throw malformed("sent bytes before its relay answer");
                }
                if (response.code() != RelayProtocol.STATUS_OK) {
                    throw answeredWith("relay status " + RelayProtocol.describeStatus(response.code()));
                }
                return true;
            }
        };
    }
}
