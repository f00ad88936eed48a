package io.gost.plugin.http.handler;

import io.gost.api.Authenticator;
import io.gost.api.Credentials;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The authentication phase, present when the service has credentials: a request without acceptable
 * {@code Proxy-Authorization: Basic} credentials is answered 407 with {@code Proxy-Authenticate}. When the
 * connection stays open for the retry, the rest of the refused request is dropped and the next head asked
 * for. Credentials may be checked remotely (an auther's HTTP plugin): the request then waits, unread beyond
 * its head, until the answer is back on the connection's event loop.
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
        } else if (msg instanceof ProxyRequest proxyRequest) {
            String field = proxyRequest.request().headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
            Optional<Credentials> credentials = BasicProxyAuthorization.parse(field);
            if (credentials.isEmpty()) {
                refuse(ctx, proxyRequest, field);
                return;
            }
            CompletableFuture<Boolean> answer = authenticator.authenticate(credentials.get().username(),
                    credentials.get().password(), connection.context().clientAddress()).toCompletableFuture();
            String username = credentials.get().username();
            if (answer.isDone()) {
                decided(ctx, proxyRequest, field, username, answer.getNow(false));
            } else {
                answer.whenComplete((accepted, error) -> ctx.executor().execute(() ->
                        decided(ctx, proxyRequest, field, username, error == null && Boolean.TRUE.equals(accepted))));
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void decided(ChannelHandlerContext ctx, ProxyRequest proxyRequest, String field, String username,
                         boolean accepted) {
        if (connection.isClosed()) {
            ReferenceCountUtil.release(proxyRequest.request());
        } else if (accepted) {
            // GOST's client id: the handler's own limiter (handler.limiter) asks about it.
            connection.context().authenticated(authenticator.clientId(username));
            ctx.fireChannelRead(proxyRequest);
        } else {
            refuse(ctx, proxyRequest, field);
        }
    }

    private void refuse(ChannelHandlerContext ctx, ProxyRequest proxyRequest, String field) {
        discarding = connection.refuse(proxyRequest.request(), ProxyRequestException.authenticationRequired(
                field == null ? "this proxy needs a user name and password (Proxy-Authorization: Basic)"
                        : "the credentials in Proxy-Authorization were not accepted"));
        if (discarding) {
            ctx.read();
        }
    }
}
