package io.gost.runtime.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.TcpDnsQueryEncoder;
import io.netty.handler.codec.dns.TcpDnsResponseDecoder;
import java.util.List;

/**
 * DNS over a datagram channel with one peer that is not a UDP socket: a UDP nameserver asked through a chain,
 * whose last hop carries the datagrams (SOCKS5 UDP-TUN, relay). A query goes out as one datagram (a plain
 * {@link ByteBuf}: the channel sends it to its one peer), each datagram that comes back is read as one answer.
 *
 * <p>Netty's {@code DatagramDnsResponseDecoder} needs a sender or recipient on every packet, which a tunnel's
 * datagrams need not carry; the message itself is read with Netty's DNS-over-TCP codec, as in
 * {@link DnsOverHttpsCodec}.
 */
final class DatagramDnsCodec extends MessageToMessageCodec<DatagramPacket, DnsQuery> {

    private final Nameserver nameserver;

    DatagramDnsCodec(Nameserver nameserver) {
        this.nameserver = nameserver;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, DnsQuery query, List<Object> out) {
        out.add(wireOf(query));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        out.add(responseOf(ctx, packet.content(), nameserver));
    }

    /** The query as it goes on the wire, without the length TCP puts before it. */
    static ByteBuf wireOf(DnsQuery query) {
        EmbeddedChannel wire = new EmbeddedChannel(new TcpDnsQueryEncoder());
        try {
            wire.writeOutbound(query.retain()); // a codec releases the query after its encode
            ByteBuf framed = wire.readOutbound();
            return framed.skipBytes(2);
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    /** {@code message} (one whole DNS message, not consumed) read as an answer. */
    static DnsResponse responseOf(ChannelHandlerContext ctx, ByteBuf message, Nameserver nameserver) {
        if (message.readableBytes() < 12) {
            throw new DecoderException(nameserver + " answered " + message.readableBytes()
                    + " bytes, which is no DNS message");
        }
        ByteBuf framed = ctx.alloc().buffer(2 + message.readableBytes());
        framed.writeShort(message.readableBytes()).writeBytes(message, message.readerIndex(), message.readableBytes());
        EmbeddedChannel wire = new EmbeddedChannel(new TcpDnsResponseDecoder());
        try {
            wire.writeInbound(framed);
            DnsResponse decoded = wire.readInbound();
            if (decoded == null) {
                throw new DecoderException(nameserver + " answered something that is no DNS message");
            }
            return decoded;
        } finally {
            wire.finishAndReleaseAll();
        }
    }
}
