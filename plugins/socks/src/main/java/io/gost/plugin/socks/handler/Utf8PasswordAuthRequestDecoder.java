package io.gost.plugin.socks.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes the RFC 1929 username/password request (VER=1, ULEN, UNAME, PLEN, PASSWD) into a
 * {@link Socks5PasswordAuthRequest}, reading both fields as UTF-8.
 *
 * <p>Written here instead of using Netty's {@code Socks5PasswordAuthRequestDecoder} because that one
 * decodes the fields as US-ASCII, turning every non-ASCII byte into a replacement character: a UTF-8
 * password such as {@code pässword}, which GOST (comparing bytes) accepts, could never match. Malformed
 * UTF-8 decodes with replacement characters and so fails authentication with status 0x01 like any wrong
 * password. Each field is at most 255 bytes by construction.
 *
 * <p>Behaves like Netty's SOCKS decoders otherwise: a bad version produces a request whose
 * {@link DecoderResult} is a failure (the handshake closes the connection) and everything after it is
 * discarded; after a successful decode, further bytes are passed on unchanged, so the next decoder (which
 * replaces this one) gets them.
 */
final class Utf8PasswordAuthRequestDecoder extends ByteToMessageDecoder {

    private static final int VERSION = 1;

    private enum State { REQUEST, PASS_THROUGH, DISCARD }

    private State state = State.REQUEST;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case REQUEST -> decodeRequest(in, out);
            case PASS_THROUGH -> out.add(in.readRetainedSlice(in.readableBytes()));
            case DISCARD -> in.skipBytes(in.readableBytes());
        }
    }

    private void decodeRequest(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < 1) {
            return;
        }
        int version = in.getUnsignedByte(start);
        if (version != VERSION) {
            state = State.DISCARD;
            in.skipBytes(readable);
            Socks5PasswordAuthRequest failed = new DefaultSocks5PasswordAuthRequest("", "");
            failed.setDecoderResult(DecoderResult.failure(new DecoderException(
                    "unsupported username/password sub-negotiation version: " + version + " (expected: 1)")));
            out.add(failed);
            return;
        }
        if (readable < 2) {
            return;
        }
        int usernameLength = in.getUnsignedByte(start + 1);
        if (readable < 3 + usernameLength) {
            return;
        }
        int passwordLength = in.getUnsignedByte(start + 2 + usernameLength);
        int total = 3 + usernameLength + passwordLength;
        if (readable < total) {
            return;
        }
        String username = in.toString(start + 2, usernameLength, StandardCharsets.UTF_8);
        String password = in.toString(start + 3 + usernameLength, passwordLength, StandardCharsets.UTF_8);
        in.skipBytes(total);
        state = State.PASS_THROUGH;
        out.add(new DefaultSocks5PasswordAuthRequest(username, password));
        if (in.isReadable()) {
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
    }
}
