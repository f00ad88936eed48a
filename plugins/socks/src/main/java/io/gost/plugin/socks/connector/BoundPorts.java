package io.gost.plugin.socks.connector;

import io.gost.api.Binding;
import io.gost.api.HostPort;
import io.gost.api.ListenContext;
import io.gost.api.RouteException;
import io.gost.api.datagram.DatagramSessions;
import io.gost.api.handshake.HeldInbound;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.mux.smux.SmuxSession;
import io.gost.plugin.socks.v5.EndOfStreamCloses;
import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a SOCKS5 hop's port hands back once the hop confirmed the bind: the one connection of a standard BIND, or
 * the datagrams of a UDP-TUN bind sorted into sessions. Each is a {@link Binding} over the connection to the hop.
 */
final class BoundPorts {

    private static final Logger LOGGER = LoggerFactory.getLogger(BoundPorts.class);

    private static final String SECOND_REPLY_DECODER = "gost-socks5-bind-reply-decoder";
    private static final String SECOND_REPLY = "gost-socks5-bind-reply";
    private static final String SESSIONS = "gost-socks5-udp-sessions";

    private BoundPorts() {
    }

    /** BND.ADDR and BND.PORT of a reply; a name stays unresolved. */
    static InetSocketAddress address(Socks5CommandResponse reply) {
        Socks5AddressType type = reply.bndAddrType();
        String host = reply.bndAddr() == null ? "0.0.0.0" : reply.bndAddr();
        try {
            return Socks5Addresses.target(type, host, reply.bndPort());
        } catch (IllegalArgumentException e) {
            return InetSocketAddress.createUnresolved(host, reply.bndPort());
        }
    }

    /**
     * A standard BIND (RFC 1928 §4): the hop sends a second reply when a peer connects, naming it, and the same
     * connection then carries that peer's bytes. The connection is handed to {@code acceptor} after that reply,
     * with {@link Binding#PEER_ADDRESS}, auto-read off, the peer's first bytes (if they came with the reply) held
     * for its first read. The binding then completes; a second reply other than success, or the hop closing first,
     * fails it.
     */
    static Binding single(Channel channel, InetSocketAddress bound, ListenContext.Acceptor acceptor, String hop) {
        SingleBinding binding = new SingleBinding(channel, bound, acceptor, hop);
        channel.pipeline().addLast(SECOND_REPLY_DECODER, new Socks5CommandResponseDecoder());
        channel.pipeline().addLast(SECOND_REPLY, binding.waiter);
        channel.read();
        return binding;
    }

    /**
     * A UDP-TUN bind: datagrams from the hop's port arrive framed on the connection (the codec is in place), each
     * naming its peer; {@link DatagramSessions} sorts them into a session per peer for {@code acceptor}. The
     * binding ends with the connection.
     */
    static Binding datagrams(Channel channel, InetSocketAddress bound, DatagramSessions.Options sessions,
                             ListenContext.Acceptor acceptor, String hop) {
        ConnectionBinding binding = new ConnectionBinding(channel, bound, hop);
        channel.pipeline().addLast(SESSIONS, new DatagramSessions(sessions, acceptor,
                "udp port " + HostPort.format(bound) + " on " + hop, bound));
        channel.config().setAutoRead(true);
        return binding;
    }

    /**
     * GOST's MBIND: the hop runs an smux session over the connection as the smux client and opens a stream per
     * peer of its port; this side is the smux server. Each stream starts with a SOCKS5 reply naming the peer
     * ({@code 05 00 00 ATYP ADDR PORT}); the stream is handed to {@code acceptor} after it, with
     * {@link Binding#PEER_ADDRESS}, auto-read off, bytes that came with the reply held for its first read. The
     * binding ends with the session (the connection closing or ending, or smux's keepalive finding it dead).
     */
    static Binding multiplexed(Channel channel, InetSocketAddress bound, ListenContext.Acceptor acceptor, String hop) {
        ConnectionBinding binding = new ConnectionBinding(channel, bound, hop);
        SmuxSession.start(channel, SmuxConfig.DEFAULT, false, hop,
                stream -> stream.pipeline().addLast(new PeerReply(stream, acceptor, hop)).read(), 128);
        // The hop ending its side ends the session: the port is lost there, and is bound again at once.
        channel.eventLoop().execute(() -> channel.pipeline().addLast(EndOfStreamCloses.NAME, EndOfStreamCloses.INSTANCE));
        return binding;
    }

    /** Reads the reply at the start of an MBIND stream, then hands the stream over. */
    private static final class PeerReply extends ChannelInboundHandlerAdapter {
        private final Channel stream;
        private final ListenContext.Acceptor acceptor;
        private final String hop;
        private ByteBuf buffered;
        private boolean handedOver;

        PeerReply(Channel stream, ListenContext.Acceptor acceptor, String hop) {
            this.stream = stream;
            this.acceptor = acceptor;
            this.hop = hop;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof ByteBuf bytes)) {
                ReferenceCountUtil.release(message);
                return;
            }
            buffered = buffered == null ? bytes : io.netty.buffer.Unpooled.wrappedBuffer(buffered, bytes);
            int length = replyLength(buffered);
            if (length < 0) {
                LOGGER.debug("{}: an MBIND stream did not start with a SOCKS5 success reply; closing it", hop);
                ctx.close();
                return;
            }
            if (buffered.readableBytes() < length) {
                return;
            }
            ByteBuf reply = buffered.readRetainedSlice(length);
            InetSocketAddress peer;
            try {
                peer = peerOf(reply);
            } finally {
                reply.release();
            }
            List<Object> rest = new ArrayList<>(1);
            if (buffered.isReadable()) {
                rest.add(buffered);
            } else {
                buffered.release();
            }
            buffered = null;
            handedOver = true;
            if (rest.isEmpty()) {
                ctx.pipeline().remove(this);
            } else {
                ctx.pipeline().replace(this, SECOND_REPLY, new HeldInbound(rest, false));
            }
            stream.attr(Binding.PEER_ADDRESS).set(peer);
            acceptor.accept(stream);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!handedOver && stream.isActive()) {
                ctx.read();
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (buffered != null) {
                buffered.release();
                buffered = null;
            }
        }

        /** The reply's length once its address type is known, MAX_VALUE while it is not, -1 when it is no success. */
        private static int replyLength(ByteBuf bytes) {
            int start = bytes.readerIndex();
            if (bytes.readableBytes() >= 2 && (bytes.getByte(start) != 0x05 || bytes.getByte(start + 1) != 0x00)) {
                return -1;
            }
            if (bytes.readableBytes() < 4) {
                return Integer.MAX_VALUE;
            }
            return switch (bytes.getByte(start + 3)) {
                case 0x01 -> 4 + 4 + 2;
                case 0x04 -> 4 + 16 + 2;
                case 0x03 -> bytes.readableBytes() < 5 ? Integer.MAX_VALUE : 4 + 1 + (bytes.getByte(start + 4) & 0xFF) + 2;
                default -> -1;
            };
        }

        private static InetSocketAddress peerOf(ByteBuf reply) {
            reply.skipBytes(3);
            byte type = reply.readByte();
            try {
                if (type == 0x03) {
                    byte[] name = new byte[reply.readUnsignedByte()];
                    reply.readBytes(name);
                    return InetSocketAddress.createUnresolved(new String(name, java.nio.charset.StandardCharsets.US_ASCII),
                            reply.readUnsignedShort());
                }
                byte[] address = new byte[type == 0x01 ? 4 : 16];
                reply.readBytes(address);
                return new InetSocketAddress(java.net.InetAddress.getByAddress(address), reply.readUnsignedShort());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e); // a 4- or 16-byte address is always valid
            }
        }
    }

    /** A binding that lasts as long as its connection to the hop. */
    private static class ConnectionBinding implements Binding {
        final Channel channel;
        final InetSocketAddress bound;
        final String hop;
        final Promise<Void> ended;
        boolean closedHere;

        ConnectionBinding(Channel channel, InetSocketAddress bound, String hop) {
            this.channel = channel;
            this.bound = bound;
            this.hop = hop;
            this.ended = channel.eventLoop().newPromise();
            channel.closeFuture().addListener(closed -> {
                if (closedHere) {
                    ended.trySuccess(null);
                } else {
                    ended.tryFailure(new ClosedChannelException() {
                        @Override
                        public String getMessage() {
                            return "the connection to " + hop + " closed";
                        }
                    });
                }
            });
        }

        @Override
        public InetSocketAddress boundAddress() {
            return bound;
        }

        @Override
        public Future<Void> closeFuture() {
            return ended;
        }

        @Override
        public void close() {
            channel.eventLoop().execute(() -> {
                closedHere = true;
                channel.close();
            });
        }

        @Override
        public String toString() {
            return "Binding[" + HostPort.format(bound) + " on " + hop + "]";
        }
    }

    /** Waits for the second reply of a standard BIND, then hands the connection over. */
    private static final class SingleBinding extends ConnectionBinding {
        private final ListenContext.Acceptor acceptor;
        private final List<Object> peerBytes = new ArrayList<>(1);
        private final Waiter waiter = new Waiter();
        private InetSocketAddress peer;
        private boolean inputEnded;
        private boolean handedOver;

        SingleBinding(Channel channel, InetSocketAddress bound, ListenContext.Acceptor acceptor, String hop) {
            super(channel, bound, hop);
            this.acceptor = acceptor;
        }

        private void fail(RouteException failure) {
            LOGGER.debug("{}: BIND on {} ended: {}", hop, HostPort.format(bound), failure.getMessage());
            ended.tryFailure(failure);
            channel.close();
        }

        private void handOver(ChannelHandlerContext ctx) {
            handedOver = true;
            // The decoder hands over what it still buffered: the peer's first bytes, caught here.
            ctx.pipeline().remove(SECOND_REPLY_DECODER);
            if (peerBytes.isEmpty() && !inputEnded) {
                ctx.pipeline().remove(waiter);
            } else {
                List<Object> held = new ArrayList<>(peerBytes);
                peerBytes.clear(); // owned by the holder now, not released with the waiter
                ctx.pipeline().replace(waiter, SECOND_REPLY, new HeldInbound(held, inputEnded));
            }
            channel.attr(Binding.PEER_ADDRESS).set(peer);
            channel.config().setAutoRead(false);
            ended.trySuccess(null);
            acceptor.accept(channel);
        }

        /** The handler in the pipeline (the binding itself is not one, so that it cannot be added twice). */
        private final class Waiter extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                if (peer != null && message instanceof ByteBuf) {
                    peerBytes.add(message);
                    return;
                }
                try {
                    if (handedOver || peer != null) {
                        return;
                    }
                    if (!(message instanceof Socks5CommandResponse reply) || reply.decoderResult().isFailure()) {
                        fail(new RouteException(RouteException.Reason.GENERAL, hop + " sent a malformed second"
                                + " BIND reply"));
                    } else if (reply.status() != Socks5CommandStatus.SUCCESS) {
                        fail(new RouteException(RouteException.Reason.HOP_REJECTED, hop + " answered the peer of"
                                + " BIND " + HostPort.format(bound) + " with " + Socks5Replies.describe(reply.status())));
                    } else {
                        peer = address(reply);
                    }
                } finally {
                    ReferenceCountUtil.release(message);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                if (peer != null && !handedOver) {
                    handOver(ctx);
                } else if (!handedOver && channel.isActive()) {
                    ctx.read();
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof ChannelInputShutdownEvent && peer != null) {
                    inputEnded = true;
                    if (!handedOver) {
                        handOver(ctx);
                    }
                } else if (event instanceof ChannelInputShutdownEvent) {
                    fail(new RouteException(RouteException.Reason.GENERAL, hop + " ended the connection before a"
                            + " peer connected to " + HostPort.format(bound)));
                } else {
                    ctx.fireUserEventTriggered(event);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(new RouteException(RouteException.Reason.GENERAL, hop + " failed while waiting for the peer"
                        + " of BIND " + HostPort.format(bound) + ": " + cause.getMessage(), cause));
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                peerBytes.forEach(ReferenceCountUtil::release);
                peerBytes.clear();
            }
        }
    }
}
