package io.gost.plugin.http.connector;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.List;

/**
 * Decodes a hop's answer to {@code CONNECT}. A 2xx answer has no content whatever its headers say
 * (RFC 9110 §9.3.6); every byte after its head belongs to the tunnel and is passed on as a plain
 * {@link ByteBuf}, never parsed as HTTP.
 */
final class ConnectResponseDecoder extends HttpResponseDecoder {

    static final int MAX_INITIAL_LINE_LENGTH = 8192;
    static final int MAX_HEADER_SIZE = 64 * 1024;

    private boolean tunnelStarted;

    ConnectResponseDecoder() {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (tunnelStarted) {
            int readable = buffer.readableBytes();
            if (readable > 0) {
                // A copy, so the decoder's cumulation buffer is not held for as long as the bytes wait.
                out.add(buffer.readBytes(readable));
            }
            return;
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            if (out.get(i) instanceof HttpResponse response && response.decoderResult().isSuccess()
                    && response.status().codeClass() == HttpStatusClass.SUCCESS) {
                tunnelStarted = true;
            }
        }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.SUCCESS) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }
}
