package io.gost.plugin.socks.handler;

import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP ASSOCIATE (RFC 1928 §7): relays datagrams between the client and any targets for as long as the
 * client's TCP control connection stays open.
 *
 * <p>Two datagram channels per association, both on the client's event loop, so every piece of state here
 * lives on one thread:
 * <ul>
 *   <li>the relay socket faces the client, created through
 *       {@link io.gost.api.HandlerContext#createClientSideSocket} (so in the service's {@code netns}): bound to
 *       the local IP of the control connection with an ephemeral port, which the reply announces (replies then
 *       come from the very address announced). It accepts datagrams only from the control connection's client
 *       IP; the last source port seen is where answers go. A datagram with FRAG != 0 or a bad header is
 *       dropped;</li>
 *   <li>the association toward targets, from the service's router ({@link io.gost.api.Router#associate()}):
 *       directly, a UDP socket in {@code netns.out} that resolves each DST with the runtime's non-blocking
 *       resolver and applies the service's bypass; through the service's chain, GOST's UDP-TUN to the chain's
 *       last hop, which resolves DST itself. What comes back is wrapped in a header naming its sender.</li>
 * </ul>
 * As in GOST, any host may answer through the association. Datagrams are dropped rather than queued when a
 * socket cannot keep up. Empty datagrams are relayed both ways directly (a chain's UDP-TUN cannot carry
 * them); at trace level ({@code -DD}) each datagram is logged with its size, source and destination, as GOST
 * does.
 *
 * <p>The control connection is read and its bytes discarded; when it ends (FIN, reset, close) both
 * datagram sockets are closed.
 */
final class UdpAssociation implements Socks5Command {

    private static final Logger LOGGER = LoggerFactory.getLogger(UdpAssociation.class);

    private final CommandSession session;
    private final Channel client;
    private final EventLoop loop;
    private final InetAddress clientIp;
    private Channel relaySocket;
    private Channel targetSocket;
    private InetSocketAddress clientEndpoint;
    private boolean closed;

    UdpAssociation(CommandSession session) {
        this.session = session;
        this.client = session.client();
        this.loop = client.eventLoop();
        this.clientIp = ((InetSocketAddress) client.remoteAddress()).getAddress();
    }

    @Override
    public void start() {
        InetAddress localIp = ((InetSocketAddress) client.localAddress()).getAddress();
        InetSocketAddress relayAddress = new InetSocketAddress(localIp, 0);
        open(relayAddress, new FromClientHandler()).addListener(relay -> {
            if (!relay.isSuccess()) {
                failed("cannot open the UDP relay socket on " + Socks5Addresses.format(relayAddress), relay.cause());
                return;
            }
            relaySocket = (Channel) relay.getNow();
            if (closed) {
                closeSockets(); // the client left while the socket was being created
                return;
            }
            relaySocket.closeFuture().addListener(closedSocket -> socketClosed());
            Future<Channel> association = session.context().router().associate();
            association.addListener(target -> session.onClientLoop(() -> {
                if (!target.isSuccess()) {
                    session.context().recordError(target.cause());
                    failed("cannot reach targets", target.cause());
                    return;
                }
                targetSocket = (Channel) target.getNow();
                if (closed) {
                    targetSocket.close();
                    return;
                }
                targetSocket.closeFuture().addListener(closedSocket -> socketClosed());
                targetSocket.pipeline().addLast(new FromTargetsHandler());
                targetSocket.config().setAutoRead(true);
                ready(localIp);
            }));
        });
    }

    /** Creates and binds a datagram socket in the service's namespace, registered on the client's loop. */
    private Future<Channel> open(InetSocketAddress bindAddress, ChannelHandler handler) {
        Promise<Channel> opened = loop.newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(session.context().transport().datagramChannelFactory())
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(session.config().udpBufferSize()))
                .handler(handler);
        session.context().createClientSideSocket(() -> bootstrap.bind(bindAddress)).whenComplete((bind, error) -> {
            if (error != null) {
                opened.tryFailure(error);
                return;
            }
            bind.addListener(done -> {
                if (!done.isSuccess()) {
                    opened.tryFailure(done.cause());
                } else if (!opened.trySuccess(bind.channel())) {
                    bind.channel().close();
                }
            });
        });
        return opened;
    }

    private void failed(String what, Throwable cause) {
        if (closed) {
            return;
        }
        LOGGER.info("{}: UDP ASSOCIATE {}: {}; replying {}", session.describe(), what,
                cause == null ? "unknown error" : cause.getMessage(),
                Socks5Replies.describe(Socks5CommandStatus.FAILURE));
        closed = true;
        closeSockets();
        session.fail(Socks5CommandStatus.FAILURE);
    }

    private void ready(InetAddress localIp) {
        if (closed || !client.isActive()) {
            close();
            return;
        }
        InetSocketAddress announced =
                new InetSocketAddress(localIp, ((InetSocketAddress) relaySocket.localAddress()).getPort());
        LOGGER.debug("{}: UDP ASSOCIATE relaying on {}", session.describe(), Socks5Addresses.format(announced));
        session.replySuccess(session.config().announcedForUdp(announced));
        session.becomeControlConnection(new ControlConnectionHandler());
        client.read();
    }

    private void fromClient(DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        if (closed || sender == null || !clientIp.equals(sender.getAddress())) {
            LOGGER.debug("{}: dropped a datagram from {}: not the client's address {}", session.describe(),
                    Socks5Addresses.format(sender), clientIp.getHostAddress());
            return;
        }
        Socks5UdpDatagrams.Request request;
        try {
            request = Socks5UdpDatagrams.decode(packet.content());
        } catch (DecoderException e) {
            LOGGER.debug("{}: dropped a datagram from {}: {}", session.describe(), Socks5Addresses.format(sender),
                    e.getMessage());
            return;
        }
        clientEndpoint = sender;
        sendToTarget(request.target(), request.payload().retain());
    }

    /** To the association, which resolves a name (or the chain's last hop does) and sends it on. */
    private void sendToTarget(InetSocketAddress target, ByteBuf payload) {
        if (closed || !targetSocket.isWritable()) {
            payload.release();
            return;
        }
        int length = payload.readableBytes();
        if (LOGGER.isTraceEnabled()) {
            LOGGER.trace("{}: datagram of {} bytes from the client to {}", session.describe(), length,
                    Socks5Addresses.format(target));
        }
        session.context().countBytes(length, 0);
        targetSocket.writeAndFlush(new DatagramPacket(payload, target)).addListener(sent -> {
            if (!sent.isSuccess()) {
                LOGGER.debug("{}: sending a datagram to {} failed: {}", session.describe(),
                        Socks5Addresses.format(target), sent.cause().getMessage());
            }
        });
    }

    private void fromTarget(DatagramPacket packet) {
        if (closed || clientEndpoint == null || !relaySocket.isWritable()) {
            return;
        }
        ByteBuf payload = packet.content();
        if (LOGGER.isTraceEnabled()) {
            LOGGER.trace("{}: datagram of {} bytes from {} to the client", session.describe(), payload.readableBytes(),
                    Socks5Addresses.format(packet.sender()));
        }
        session.context().countBytes(0, payload.readableBytes());
        relaySocket.writeAndFlush(new DatagramPacket(
                Socks5UdpDatagrams.encode(relaySocket.alloc(), packet.sender(), payload), clientEndpoint));
    }

    /** Ends the association: both datagram sockets and the control connection. Idempotent. */
    private void close() {
        closed = true;
        closeSockets();
        client.close();
    }

    /** A datagram socket closed by itself (error, shutdown): the association cannot go on. */
    private void socketClosed() {
        if (!closed) {
            close();
        }
    }

    private void closeSockets() {
        if (relaySocket != null) {
            relaySocket.close();
        }
        if (targetSocket != null) {
            targetSocket.close();
        }
    }

    @Override
    public void clientClosed() {
        closed = true;
        closeSockets();
    }

    @Override
    public void clientInputEnded() {
        close();
    }

    /** Datagrams arriving on the relay socket, from the client (or anyone). */
    private final class FromClientHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof DatagramPacket packet) {
                    fromClient(packet);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOGGER.debug("{}: error on the UDP relay socket", session.describe(), cause);
        }
    }

    /** Datagrams arriving on the target socket, from targets. */
    private final class FromTargetsHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof DatagramPacket packet) {
                    fromTarget(packet);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOGGER.debug("{}: error on the UDP target socket", session.describe(), cause);
        }
    }

    /** Watches the TCP control connection: its bytes mean nothing; its end ends the association. */
    private final class ControlConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message);
            ctx.read();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                close();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOGGER.debug("{}: error on the UDP ASSOCIATE control connection; ending the association",
                    session.describe(), cause);
            close();
        }
    }
}
