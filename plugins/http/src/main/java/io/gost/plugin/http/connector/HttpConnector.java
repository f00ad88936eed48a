package io.gost.plugin.http.connector;

import io.gost.api.Credentials;
import io.gost.api.RouteException;
import io.gost.api.handshake.Handshake;
import io.gost.api.handshake.HandshakeConnector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Connector {@code http}: one {@code CONNECT host:port HTTP/1.1} over an established connection to a proxy
 * hop, in the manner of Netty's {@code HttpProxyHandler}. Only the protocol is here;
 * {@link HandshakeConnector} does the timeout, the future, removing the decoder and keeping the tunnel bytes
 * that come with the answer.
 *
 * <p>The request carries {@code Host: host:port}, the configured {@code header} fields and, with
 * credentials, {@code Proxy-Authorization: Basic}. Any 2xx answer opens the tunnel (its framing headers mean
 * nothing, RFC 9110 §9.3.6); 1xx answers are skipped; anything else fails with {@code HOP_REJECTED} quoting
 * the status line, and a malformed answer with {@code GENERAL}.
 */
final class HttpConnector extends HandshakeConnector {

    private final HttpConnectorSettings settings;

    HttpConnector(HttpConnectorSettings settings) {
        super("http", settings.timeout());
        this.settings = settings;
    }

    @Override
    protected Handshake newHandshake(InetSocketAddress target) {
        return new Handshake() {
            @Override
            protected List<ChannelHandler> codecs() {
                return List.of(new ConnectResponseDecoder());
            }

            @Override
            protected Object firstRequest() {
                return connectRequest(alloc(), target());
            }

            @Override
            protected boolean onAnswer(Object answer) throws RouteException {
                if (!(answer instanceof HttpResponse response)) {
                    return false; // the end of a skipped 1xx answer
                }
                if (response.decoderResult().isFailure()) {
                    Throwable cause = response.decoderResult().cause();
                    throw malformed(cause instanceof PrematureChannelClosureException
                            ? "closed the connection before answering CONNECT " + target()
                            : "sent a malformed answer to CONNECT " + target() + ": " + cause.getMessage());
                }
                HttpStatusClass statusClass = response.status().codeClass();
                if (statusClass == HttpStatusClass.SUCCESS) {
                    return true;
                }
                if (statusClass == HttpStatusClass.INFORMATIONAL) {
                    return false;
                }
                throw answeredWith(response.protocolVersion() + " " + response.status());
            }
        };
    }

    /** The request bytes: request line, Host, extra fields, Proxy-Authorization, blank line. */
    private ByteBuf connectRequest(ByteBufAllocator alloc, String authority) {
        StringBuilder request = new StringBuilder(160)
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        for (Map.Entry<String, String> field : settings.extraHeaders().entrySet()) {
            request.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
        settings.credentials().ifPresent(credentials ->
                request.append("Proxy-Authorization: Basic ").append(basic(credentials)).append("\r\n"));
        request.append("\r\n");
        byte[] bytes = request.toString().getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    private static String basic(Credentials credentials) {
        String pair = credentials.username() + ":" + credentials.password();
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
