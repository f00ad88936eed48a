package io.gost.plugin.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay protocol's UDP over CONNECT ({@code x/connector/relay/conn.go}, {@code x/handler/relay/conn.go}): each
 * datagram travels on the stream as {@code LEN u16 | DATA}, big-endian, between the client and the one target the
 * request named. It makes the stream a datagram channel with one peer (see {@link io.gost.api.datagram}): inbound
 * datagrams come from the peer across the stream, outbound ones ({@code DatagramPacket} or plain bytes) go to it,
 * whatever their recipient says. Unlike UDP-TUN, length 0 is an empty datagram, so empty datagrams do cross; one
 * longer than 65,535 bytes cannot, and is dropped (logged at debug level).
 */
final class RelayDatagramCodec extends CombinedChannelDuplexHandler<RelayDatagramCodec.Decoder,
        RelayDatagramCodec.Encoder> {

    private static final Logger LOGGER = LoggerFactory.getLogger(RelayDatagramCodec.class);

    static final int MAX_PAYLOAD = 0xFFFF;

    private RelayDatagramCodec(boolean server, InetSocketAddress target) {
        super(new Decoder(server, target), new Encoder());
    }

    /** The connector's side: datagrams read come from {@code target}. */
    static RelayDatagramCodec client(InetSocketAddress target) {
        return new RelayDatagramCodec(false, target);
    }

    /** The handler's side: datagrams read come from the client and are addressed to {@code target}. */
    static RelayDatagramCodec server(InetSocketAddress target) {
        return new RelayDatagramCodec(true, target);
    }

    /** {@code LEN | DATA} to datagrams. */
    static final class Decoder extends ByteToMessageDecoder {
        private final boolean server;
        private final InetSocketAddress target;

        Decoder(boolean server, InetSocketAddress target) {
            this.server = server;
            this.target = target;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= 2) {
                int length = in.getUnsignedShort(in.readerIndex());
                if (in.readableBytes() < 2 + length) {
                    return;
                }
                in.skipBytes(2);
                ByteBuf payload = in.readRetainedSlice(length);
                if (server) {
                    out.add(new DatagramPacket(payload, target, inet(ctx.channel().remoteAddress())));
                } else {
                    out.add(new DatagramPacket(payload, inet(ctx.channel().localAddress()), target));
                }
            }
        }

        private static InetSocketAddress inet(SocketAddress address) {
            return address instanceof InetSocketAddress inet ? inet : new InetSocketAddress(0);
        }
    }

    /** Datagrams to {@code LEN | DATA}: a two-byte header and the payload as it is, so the socket gathers them. */
    static final class Encoder extends MessageToMessageEncoder<Object> {

        @Override
        public boolean acceptOutboundMessage(Object message) {
            return message instanceof DatagramPacket || message instanceof ByteBuf;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object message, List<Object> out) {
            ByteBuf payload = message instanceof DatagramPacket packet ? packet.content() : (ByteBuf) message;
            int length = payload.readableBytes();
            if (length > MAX_PAYLOAD) {
                LOGGER.debug("dropped a datagram of {} bytes for the relay stream to {}: longer than a frame can carry",
                        length, ctx.channel().remoteAddress());
                out.add(ctx.alloc().buffer(0)); // the write completes, with nothing sent
                return;
            }
            out.add(ctx.alloc().ioBuffer(2).writeShort(length));
            out.add(payload.retain());
        }
    }
}
