package io.gost.plugin.socks.handler;

import io.gost.plugin.socks.v5.Socks5Addresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The RFC 1928 §7 UDP request header: {@code RSV(2) FRAG(1) ATYP(1) DST.ADDR DST.PORT(2) DATA}.
 *
 * <p>Written here because netty-codec-socks has no codec for SOCKS5 datagrams; the address field is still
 * read with Netty's {@link Socks5AddressDecoder}. Fragmentation is optional in the RFC and not
 * supported: a datagram with FRAG other than 0 is rejected (the caller drops it), as GOST and Dante do.
 */
final class Socks5UdpDatagrams {

    /** RSV, FRAG, ATYP, the longest IP address (16) and the port. */
    private static final int MAX_IP_HEADER_LENGTH = 3 + 1 + 16 + 2;

    private Socks5UdpDatagrams() {
    }

    /**
     * A decoded client datagram.
     *
     * @param target  where the payload goes; unresolved for a DOMAIN address
     * @param payload the DATA part: a slice of the datagram, not retained
     */
    record Request(InetSocketAddress target, ByteBuf payload) {
    }

    /**
     * Reads the header of a datagram from the client.
     *
     * @throws DecoderException naming what is wrong: too short, fragmented, unknown address type
     */
    static Request decode(ByteBuf datagram) {
        try {
            datagram.skipBytes(2); // RSV
            int fragment = datagram.readUnsignedByte();
            if (fragment != 0) {
                throw new DecoderException("fragment " + fragment + " of a fragmented datagram (FRAG != 0); "
                        + "SOCKS5 UDP fragmentation is not supported");
            }
            Socks5AddressType type = Socks5AddressType.valueOf(datagram.readByte());
            String address = Socks5AddressDecoder.DEFAULT.decodeAddress(type, datagram);
            int port = datagram.readUnsignedShort();
            return new Request(Socks5Addresses.target(type, address, port), datagram.slice());
        } catch (DecoderException e) {
            throw e;
        } catch (IndexOutOfBoundsException e) {
            throw new DecoderException("datagram shorter than its SOCKS5 UDP header", e);
        } catch (Exception e) {
            throw new DecoderException("malformed SOCKS5 UDP header: " + e.getMessage(), e);
        }
    }

    /** A datagram for the client: the header naming {@code source}, then a copy of {@code payload}. */
    static ByteBuf encode(ByteBufAllocator allocator, InetSocketAddress source, ByteBuf payload) {
        InetAddress address = source.getAddress();
        int length = payload.readableBytes();
        ByteBuf datagram = allocator.ioBuffer(MAX_IP_HEADER_LENGTH + length);
        datagram.writeShort(0); // RSV
        datagram.writeByte(0); // FRAG
        datagram.writeByte(Socks5Addresses.typeOf(address).byteValue());
        datagram.writeBytes(address.getAddress());
        datagram.writeShort(source.getPort());
        datagram.writeBytes(payload, payload.readerIndex(), length);
        return datagram;
    }
}
