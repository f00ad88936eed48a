package io.gost.plugin.relay;

import io.gost.api.Binding;
import io.gost.api.HostPort;
import io.gost.api.ListenContext;
import io.gost.api.datagram.DatagramSessions;
import io.gost.api.handshake.HeldInbound;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.mux.smux.SmuxSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a relay hop's bound port hands back once the hop confirmed the BIND, as GOST's connector reads it
 * ({@code x/connector/relay/bind.go}, {@code listener.go}): the connections of a tcp bind as smux streams, or the
 * datagrams of a udp bind sorted into sessions. Each is a {@link Binding} over the connection to the hop, which
 * ends with it.
 */
final class RelayBindings {

    private static final Logger LOGGER = LoggerFactory.getLogger(RelayBindings.class);

    private static final String SESSIONS = "gost-relay-udp-sessions";
    private static final String PEER_BYTES = "gost-relay-peer-bytes";

    private RelayBindings() {
    }

    /**
     * A tcp bind: the hop runs an smux session over the connection as the smux client and opens a stream per peer
     * of its port; this side is the smux server. Each stream starts with a relay response naming the peer; the
     * stream is handed to {@code acceptor} after it, with {@link Binding#PEER_ADDRESS}, auto-read off, bytes that
     * came with the response held for its first read. The binding ends with the session: the connection closing or
     * ending (a FIN: smux has no half-close), or smux's keepalive finding it dead.
     */
    static Binding multiplexed(Channel channel, InetSocketAddress bound, SmuxConfig config,
                               ListenContext.Acceptor acceptor, String hop) {
        ConnectionBinding binding = new ConnectionBinding(channel, bound, hop);
        SmuxSession.start(channel, config, false, hop,
                stream -> stream.pipeline().addLast(new PeerAnnouncement(stream, acceptor, hop)).read(), 128);
        channel.eventLoop().execute(() -> channel.pipeline().addLast(EndOfStreamCloses.NAME, new EndOfStreamCloses()));
        return binding;
    }

    /**
     * A udp bind: datagrams from the hop's port arrive as UDP-TUN frames on the connection (the codec is in place),
     * each naming its peer; {@link DatagramSessions} sorts them into a session per peer for {@code acceptor}. The
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

    /** Reads the relay response at the start of a bind's stream, then hands the stream over. */
    private static final class PeerAnnouncement extends ChannelInboundHandlerAdapter {
        private final Channel stream;
        private final ListenContext.Acceptor acceptor;
        private final String hop;
        private ByteBuf buffered;
        private boolean handedOver;

        PeerAnnouncement(Channel stream, ListenContext.Acceptor acceptor, String hop) {
            this.stream = stream;
            this.acceptor = acceptor;
            this.hop = hop;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof ByteBuf bytes) || handedOver) {
                ReferenceCountUtil.release(message);
                return;
            }
            buffered = buffered == null ? bytes : Unpooled.wrappedBuffer(buffered, bytes);
            RelayMessage response;
            try {
                response = RelayMessageDecoder.read(buffered, "response");
            } catch (CorruptedFrameException e) {
                LOGGER.debug("{}: a BIND stream did not start with a relay response ({}); closing it", hop,
                        e.getMessage());
                ctx.close();
                return;
            }
            if (response == null) {
                return;
            }
            if (response.code() != RelayProtocol.STATUS_OK || response.address() == null) {
                LOGGER.debug("{}: a BIND stream started with relay status {}{}; closing it", hop,
                        RelayProtocol.describeStatus(response.code()), response.address() == null ? " and no peer" : "");
                ctx.close();
                return;
            }
            handedOver = true;
            ByteBuf rest = buffered;
            buffered = null;
            if (rest.isReadable()) {
                ctx.pipeline().replace(this, PEER_BYTES, new HeldInbound(List.of(rest), false));
            } else {
                rest.release();
                ctx.pipeline().remove(this);
            }
            stream.attr(Binding.PEER_ADDRESS).set(RelayProtocol.resolvedIfLiteral(response.address()));
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
    }

    /** A binding that lasts as long as its connection to the hop. */
    private static final class ConnectionBinding implements Binding {
        private final Channel channel;
        private final InetSocketAddress bound;
        private final String hop;
        private final Promise<Void> ended;
        private boolean closedHere;

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
                        private static final long serialVersionUID = 1L;

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
}
