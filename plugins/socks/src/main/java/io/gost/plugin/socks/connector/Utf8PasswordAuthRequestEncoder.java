package io.gost.plugin.socks.connector;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gost.api.Credentials;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import java.util.Optional;

/**
 * Encodes the RFC 1929 username/password request (VER=1, ULEN, UNAME, PLEN, PASSWD) with both fields in
 * UTF-8. Netty's {@code Socks5ClientEncoder} writes them as US-ASCII, which would mangle a non-ASCII username
 * or password; GOST sends UTF-8 bytes. Goes after that encoder, which then lets the bytes through.
 */
@ChannelHandler.Sharable
final class Utf8PasswordAuthRequestEncoder extends MessageToByteEncoder<Socks5PasswordAuthRequest> {

    static final Utf8PasswordAuthRequestEncoder INSTANCE = new Utf8PasswordAuthRequestEncoder();

    private static final int MAX_FIELD_BYTES = 255;

    private Utf8PasswordAuthRequestEncoder() {
    }

    /** @throws IllegalArgumentException when the username or password is longer than RFC 1929's 255 bytes */
    static void check(Optional<Credentials> credentials) {
        credentials.ifPresent(given -> {
            for (String field : new String[] {"username", "password"}) {
                String value = field.equals("username") ? given.username() : given.password();
                int length = value.getBytes(UTF_8).length;
                if (length > MAX_FIELD_BYTES) {
                    throw new IllegalArgumentException("socks5 connector: the " + field + " is " + length
                            + " bytes long in UTF-8; SOCKS5 (RFC 1929) allows at most 255");
                }
            }
        });
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Socks5PasswordAuthRequest request, ByteBuf out) {
        byte[] username = request.username().getBytes(UTF_8);
        byte[] password = request.password().getBytes(UTF_8);
        out.writeByte(0x01).writeByte(username.length).writeBytes(username)
                .writeByte(password.length).writeBytes(password);
    }
}
