package io.gost.plugin.http.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Handler {@code http}: turns an accepted connection into an HTTP/1.1 proxy connection, a pipeline of one
 * handler per phase (see {@link HttpProxyPipeline}) sharing a {@link ClientConnection}. This object only holds
 * the settings shared by all connections of the service.
 */
final class HttpProxyHandler implements Handler {

    private final HttpProxySettings settings;

    HttpProxyHandler(HttpProxySettings settings) {
        this.settings = settings;
    }

    HttpProxySettings settings() {
        return settings;
    }

    @Override
    public void handle(Channel client, HandlerContext context) {
        ClientConnection connection = new ClientConnection(client, settings, context);
        ChannelPipeline pipeline = client.pipeline()
                .addLast(HttpProxyPipeline.BYTE_COUNTER, new ClientByteCounter(context))
                .addLast(HttpProxyPipeline.SERVER_CODEC, new HttpServerCodec(HttpProxyPipeline.decoderConfig()))
                .addLast(HttpProxyPipeline.REQUEST_QUEUE, new RequestQueue(connection))
                .addLast(HttpProxyPipeline.REQUEST, new RequestValidator(connection));
        // GOST's skipauth: clients from those addresses are asked for no credentials.
        settings.authenticator().filter(authenticator -> authenticator.requiredFor(context.clientAddress()))
                .ifPresent(authenticator ->
                        pipeline.addLast(HttpProxyPipeline.AUTH, new ProxyAuthenticator(connection, authenticator)));
        pipeline.addLast(HttpProxyPipeline.CONNECT, new ConnectTunnel(connection))
                .addLast(HttpProxyPipeline.FORWARD, new RequestForwarder(connection));
        if (client.isActive()) {
            // Through the request phase, which starts its header timeout.
            client.read();
        }
    }
}
