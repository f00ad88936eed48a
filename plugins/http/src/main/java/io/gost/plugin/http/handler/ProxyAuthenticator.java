package io.gost.plugin.http.handler;

import io.gost.api.Authenticator;
import io.gost.api.Credentials;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;

/**
 * The authentication phase, present when the service has credentials: a request without acceptable
 * {@code Proxy-Authorization: Basic} credentials is answered 407 with {@code Proxy-Authenticate}. When the
 * connection stays open for the retry, the rest of the refused request is dropped and the next head asked
 * for.
 */
final class ProxyAuthenticator extends ChannelInboundHandlerAdapter {

    private final ClientConnection connection;
    private final Authenticator authenticator;
    /** Dropping the rest of a refused request. */
    private boolean discarding;

    ProxyAuthenticator(ClientConnection connection, Authenticator authenticator) {
        this.connection = connection;
        this.authenticator = authenticator;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            ReferenceCountUtil.release(msg);
            if (msg == RequestQueue.END_OF_INPUT) {
                connection.closeNow();
                return;
            }
            discarding = !(msg instanceof LastHttpContent);
            ctx.read();
        } else if (msg instanceof ProxyRequest proxyRequest && !accepted(proxyRequest)) {
            String field = proxyRequest.request().headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
            discarding = connection.refuse(proxyRequest.request(), ProxyRequestException.authenticationRequired(
                    field == null ? "this proxy needs a user name and password (Proxy-Authorization: Basic)"
                            : "the credentials in Proxy-Authorization were not accepted"));
            if (discarding) {
                ctx.read();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private boolean accepted(ProxyRequest proxyRequest) {
        String field = proxyRequest.request().headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
        Optional<Credentials> credentials = BasicProxyAuthorization.parse(field);
        return credentials.isPresent()
                && authenticator.authenticate(credentials.get().username(), credentials.get().password());
    }
}
