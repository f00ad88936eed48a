package io.gost.api.datagram;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.util.NetUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * GOST's UDP-over-TCP framing ("UDP-TUN"), which makes a TCP stream a datagram channel (see the package
 * documentation): SOCKS5's command 0xF3, the relay protocol's UDP bind, and GOST's {@code socks5} connector for
 * every UDP route. Each datagram travels as
 *
 * <pre>
 *   RSV u16 = payload length | FRAG u8 = 0xFF | ATYP u8 | DST.ADDR | DST.PORT u16 | DATA
 * </pre>
 *
 * big-endian, with SOCKS5's address types (1 IPv4, 3 a domain with a length byte, 4 IPv6); from the client the
 * address is the datagram's destination, from the server its source ({@code gosocks5} {@code UDPDatagram},
 * {@code x/internal/util/socks/conn.go}).
 *
 * <p>Length 0 means "a standard SOCKS5 datagram: read what is there" to GOST, which on a stream swallows the
 * frames that follow; so an empty datagram cannot travel this way. It is dropped here (logged at debug level),
 * never sent;
 * a received frame of length 0 is read as the empty datagram it stands for. A malformed frame (an unknown
 * address type) closes the stream: nothing after it could be framed.
 *
 * <p>Two roles:
 * <ul>
 *   <li>{@link #client}: the side that asked for the tunnel. Outbound datagrams go to {@code target} when the
 *       tunnel has one fixed target, else to their {@code recipient()}; inbound ones carry the frame's address
 *       as {@code sender()};</li>
 *   <li>{@link #server}: the side that carries the datagrams on. Inbound datagrams carry the frame's address as
 *       {@code recipient()} (the destination the client named, unresolved when it is a name) and the client's
 *       address as {@code sender()}; outbound ones name their {@code sender()} (where they came from).</li>
 * </ul>
 */
public final class UdpTunCodec extends CombinedChannelDuplexHandler<UdpTunCodec.Decoder, UdpTunCodec.Encoder> {

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(UdpTunCodec.class);

    /** GOST's flag for a datagram on a stream. */
    public static final int FRAG_STREAM = 0xFF;
    /** The longest payload a frame can carry. */
    public static final int MAX_PAYLOAD = 0xFFFF;

    private static final int ATYP_IPV4 = 1;
    private static final int ATYP_DOMAIN = 3;
    private static final int ATYP_IPV6 = 4;

    private UdpTunCodec(boolean server, InetSocketAddress target) {
        super(new Decoder(server), new Encoder(server, target));
    }

    /**
     * The asking side: datagrams go to {@code target}, or to each one's {@code recipient()} when {@code target}
     * is null (an association, or a binding whose peers are many).
     */
    public static UdpTunCodec client(InetSocketAddress target) {
        return new UdpTunCodec(false, target);
    }

    /** The carrying side: inbound datagrams name their destination, outbound ones their source. */
    public static UdpTunCodec server() {
        return new UdpTunCodec(true, null);
    }

    /** Writes one frame header for a payload of {@code length} bytes about {@code address}. */
    public static void writeHeader(ByteBuf out, int length, InetSocketAddress address) {
        out.writeShort(length);
        out.writeByte(FRAG_STREAM);
        writeAddress(out, address);
    }

    /** SOCKS5's {@code ATYP ADDR PORT}: IP literals (resolved or not) as IPv4/IPv6, any other name as a domain. */
    public static void writeAddress(ByteBuf out, InetSocketAddress address) {
        InetAddress ip = address.isUnresolved() ? literal(address.getHostString()) : address.getAddress();
        if (ip instanceof Inet4Address) {
            out.writeByte(ATYP_IPV4).writeBytes(ip.getAddress());
        } else if (ip != null) {
            out.writeByte(ATYP_IPV6).writeBytes(ip.getAddress());
        } else {
            byte[] name = address.getHostString().getBytes(StandardCharsets.US_ASCII);
            if (name.length > 255) {
                throw new IllegalArgumentException("a name longer than 255 bytes cannot be framed: "
                        + address.getHostString());
            }
            out.writeByte(ATYP_DOMAIN).writeByte(name.length).writeBytes(name);
        }
        out.writeShort(address.getPort());
    }

    private static InetAddress literal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare)
                ? NetUtil.createInetAddressFromIpAddressString(bare) : null;
    }

    /**
     * Reads {@code ATYP ADDR PORT} at the reader index, or returns null (reader index unchanged) when the buffer
     * does not hold all of it yet; IP addresses come back resolved, names unresolved.
     *
     * @throws IllegalArgumentException for an unknown address type
     */
    public static InetSocketAddress readAddress(ByteBuf in) {
        int start = in.readerIndex();
        if (!in.isReadable()) {
            return null;
        }
        int type = in.readUnsignedByte();
        int length = switch (type) {
            case ATYP_IPV4 -> 4;
            case ATYP_IPV6 -> 16;
            case ATYP_DOMAIN -> in.isReadable() ? in.getUnsignedByte(in.readerIndex()) + 1 : -1;
            default -> throw new IllegalArgumentException("unknown address type " + type);
        };
        if (length < 0 || in.readableBytes() < length + 2) {
            in.readerIndex(start);
            return null;
        }
        InetSocketAddress address;
        if (type == ATYP_DOMAIN) {
            int nameLength = in.readUnsignedByte();
            String name = in.readCharSequence(nameLength, StandardCharsets.US_ASCII).toString();
            address = InetSocketAddress.createUnresolved(name, in.readUnsignedShort());
        } else {
            byte[] ip = new byte[length];
            in.readBytes(ip);
            try {
                address = new InetSocketAddress(InetAddress.getByAddress(ip), in.readUnsignedShort());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("bad IP address of " + length + " bytes", e);
            }
        }
        return address;
    }

    /** Frames to datagrams. */
    public static final class Decoder extends ByteToMessageDecoder {

        private final boolean server;

        Decoder(boolean server) {
            this.server = server;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= 4) {
                int start = in.readerIndex();
                int length = in.readUnsignedShort();
                in.skipBytes(1); // FRAG: 0xFF from GOST; its value changes nothing here
                InetSocketAddress address;
                try {
                    address = readAddress(in);
                } catch (IllegalArgumentException e) {
                    LOGGER.debug("malformed UDP-over-TCP frame from {}: {}; closing the stream",
                            ctx.channel().remoteAddress(), e.getMessage());
                    in.skipBytes(in.readableBytes());
                    ctx.close();
                    return;
                }
                if (address == null || in.readableBytes() < length) {
                    in.readerIndex(start);
                    return;
                }
                ByteBuf payload = in.readRetainedSlice(length);
                InetSocketAddress self = inet(server ? ctx.channel().remoteAddress() : ctx.channel().localAddress());
                out.add(server ? new DatagramPacket(payload, address, self) : new DatagramPacket(payload, self, address));
            }
        }

        private static InetSocketAddress inet(SocketAddress address) {
            return address instanceof InetSocketAddress inet ? inet : new InetSocketAddress(0);
        }
    }

    /** Datagrams to frames: a small header buffer and the payload as it is, so the socket gathers them. */
    public static final class Encoder extends MessageToMessageEncoder<Object> {

        private final boolean server;
        private final InetSocketAddress target;

        Encoder(boolean server, InetSocketAddress target) {
            this.server = server;
            this.target = target;
        }

        @Override
        public boolean acceptOutboundMessage(Object message) {
            return message instanceof DatagramPacket || message instanceof ByteBuf;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object message, List<Object> out) {
            ByteBuf payload = message instanceof DatagramPacket packet ? packet.content() : (ByteBuf) message;
            InetSocketAddress address;
            if (server) {
                address = message instanceof DatagramPacket packet ? packet.sender() : null;
            } else {
                address = target != null ? target : message instanceof DatagramPacket packet ? packet.recipient() : null;
            }
            int length = payload.readableBytes();
            if (address == null || length == 0 || length > MAX_PAYLOAD) {
                LOGGER.debug("dropped a datagram of {} bytes for the UDP-over-TCP stream to {}: {}", length,
                        ctx.channel().remoteAddress(), address == null
                                ? (server ? "it names no source" : "it names no destination")
                                : length == 0 ? "GOST's framing cannot carry an empty datagram"
                                : "longer than a frame can carry");
                out.add(ctx.alloc().buffer(0)); // the write completes, with nothing sent
                return;
            }
            ByteBuf header = ctx.alloc().ioBuffer(4 + 1 + 255 + 2);
            try {
                writeHeader(header, length, address);
            } catch (IllegalArgumentException e) {
                header.release();
                LOGGER.debug("dropped a datagram for the UDP-over-TCP stream to {}: {}", ctx.channel().remoteAddress(),
                        e.getMessage());
                out.add(ctx.alloc().buffer(0));
                return;
            }
            out.add(header);
            out.add(payload.retain());
        }
    }
}
