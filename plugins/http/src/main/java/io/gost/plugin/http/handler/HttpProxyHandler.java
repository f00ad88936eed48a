package io.gost.plugin.http.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Handler {@code http}: turns an accepted connection into an HTTP/1.1 proxy connection.
 *
 * <p>Everything per connection lives in the client channel's pipeline (see {@link HttpProxyPipeline});
 * this object only holds the settings shared by all connections of the service.
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
        client.pipeline()
                .addLast(HttpProxyPipeline.BYTE_COUNTER, new ClientByteCounter(context))
                .addLast(HttpProxyPipeline.SERVER_CODEC, new HttpServerCodec(HttpProxyPipeline.decoderConfig()))
                .addLast(HttpProxyPipeline.PROXY, new HttpProxyConnectionHandler(settings, context));
    }
}
