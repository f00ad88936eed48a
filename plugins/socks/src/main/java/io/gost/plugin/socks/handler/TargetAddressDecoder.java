package io.gost.plugin.socks.handler;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;

/**
 * Netty's address decoder, except that an unknown ATYP fails with {@link UnsupportedAddressTypeException}:
 * Netty's own reports it as a plain {@link DecoderException}, indistinguishable from garbage, but RFC 1928
 * wants reply 0x08 (address type not supported) for it, while garbage just closes the connection. The
 * command decoder keeps a {@code DecoderException} as the failure's cause, so the handshake can tell.
 */
final class TargetAddressDecoder implements Socks5AddressDecoder {

    static final TargetAddressDecoder INSTANCE = new TargetAddressDecoder();

    private TargetAddressDecoder() {
    }

    @Override
    public String decodeAddress(Socks5AddressType type, ByteBuf in) throws Exception {
        if (type != Socks5AddressType.IPv4 && type != Socks5AddressType.DOMAIN && type != Socks5AddressType.IPv6) {
            throw new UnsupportedAddressTypeException(type.byteValue() & 0xFF);
        }
        return Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
    }

    /** A command request named an address type other than IPv4 (1), DOMAIN (3) and IPv6 (4). */
    static final class UnsupportedAddressTypeException extends DecoderException {

        private static final long serialVersionUID = 1L;

        UnsupportedAddressTypeException(int type) {
            super("unsupported SOCKS5 address type " + type + " (expected 1 IPv4, 3 DOMAIN or 4 IPv6)");
        }
    }
}
