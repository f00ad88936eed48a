package io.gost.plugin.relay;

import io.gost.api.BindRequest;
import io.gost.api.Binder;
import io.gost.api.Binding;
import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.HostPort;
import io.gost.api.ListenContext;
import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * The relay connector as GOST runs it by default ({@code nodelay=false}): the tunnel is handed over at once;
 * the request goes out glued to the first bytes (or, for udp, the first datagram) written into it
 * ({@link DelayedHeader}), and the hop's answer is read in front of the first bytes that come back
 * ({@link AnswerReader}). A refusal then ends the tunnel with an error naming the hop's status. UDP associations
 * and BINDs wait for their answer, as GOST's do: {@link RelayConnector} asks for them.
 */
final class DelayedRelayConnector implements Connector, Binder {

    private final Optional<Credentials> credentials;
    private final RelayConnector waiting;

    /** @param waiting asks for what waits for its answer whatever nodelay says */
    DelayedRelayConnector(Optional<Credentials> credentials, RelayConnector waiting) {
        this.credentials = credentials;
        this.waiting = waiting;
    }

    @Override
    public Future<Channel> associate(Channel channel, Duration timeout) {
        return waiting.associate(channel, timeout);
    }

    @Override
    public Future<Binding> bind(Channel channel, BindRequest request, ListenContext.Acceptor acceptor,
                                Duration timeout) {
        return waiting.bind(channel, request, acceptor, timeout);
    }

    @Override
    public Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
        Promise<Channel> result = channel.eventLoop().newPromise();
        channel.eventLoop().execute(() -> {
            if (!"tcp".equals(network) && !"udp".equals(network)) {
                channel.close();
                result.setFailure(new RouteException(RouteException.Reason.GENERAL,
                        "the relay connector tunnels tcp and udp only; cannot connect " + network + " to "
                        + HostPort.format(target)));
                return;
            }
            ByteBuf request;
            try {
                request = RelayProtocol.connectRequest(channel.alloc(), network, target,
                        credentials.map(Credentials::username).orElse(null),
                        credentials.map(Credentials::password).orElse(null));
            } catch (IllegalArgumentException e) {
                channel.close();
                result.setFailure(new RouteException(RouteException.Reason.GENERAL, "cannot ask relay hop "
                        + HostPort.format(channel.remoteAddress()) + " for " + HostPort.format(target) + ": "
                        + e.getMessage()));
                return;
            }
            if (!channel.isActive()) {
                request.release();
                result.setFailure(new RouteException(RouteException.Reason.GENERAL, "relay hop "
                        + HostPort.format(channel.remoteAddress()) + " is not connected"));
                return;
            }
            String hop = "relay hop " + HostPort.format(channel.remoteAddress());
            channel.pipeline().addLast("gost-relay-connector-answer", new AnswerReader(hop, target));
            channel.pipeline().addLast("gost-relay-connector-request", new DelayedHeader(request));
            if ("udp".equals(network)) {
                // Behind both: datagrams are framed before the request is glued to the first, and the answer is
                // taken off before the frames are read.
                channel.pipeline().addLast("gost-relay-connector-datagrams", RelayDatagramCodec.client(target));
            }
            result.setSuccess(channel);
        });
        return result;
    }

    /**
     * Reads the hop's answer in front of the first bytes back, then passes the rest on and leaves. A refusal or
     * an unreadable answer fails the channel with an {@link IOException} naming the status, which the relay
     * records as the connection's error.
     */
    static final class AnswerReader extends ChannelInboundHandlerAdapter {

        private final String hop;
        private final InetSocketAddress target;
        private ByteBuf pending;
        private boolean passedOn;

        AnswerReader(String hop, InetSocketAddress target) {
            this.hop = hop;
            this.target = target;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof ByteBuf bytes)) {
                ctx.fireChannelRead(message);
                return;
            }
            passedOn = false;
            pending = pending == null ? bytes : ctx.alloc().compositeBuffer().addComponents(true, pending, bytes);
            if (pending.readableBytes() < RelayProtocol.HEADER_SIZE) {
                return;
            }
            int version = pending.getUnsignedByte(pending.readerIndex());
            if (version != RelayProtocol.VERSION) {
                fail(ctx, "answered with relay version " + version);
                return;
            }
            int length = pending.getUnsignedShort(pending.readerIndex() + 2);
            if (pending.readableBytes() < RelayProtocol.HEADER_SIZE + length) {
                return;
            }
            int status = pending.getUnsignedByte(pending.readerIndex() + 1);
            if (status != RelayProtocol.STATUS_OK) {
                fail(ctx, "answered CONNECT " + HostPort.format(target) + " with relay status "
                        + RelayProtocol.describeStatus(status));
                return;
            }
            pending.skipBytes(RelayProtocol.HEADER_SIZE + length);
            ByteBuf rest = pending;
            pending = null;
            if (rest.isReadable()) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(rest);
            } else {
                rest.release();
                // The reader behind asked for bytes and got none; once this handler is gone nothing else would
                // ask again.
                ctx.read();
                ctx.pipeline().remove(this);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!passedOn) {
                // Nothing reached the reader behind us, which asked for data: ask again for it.
                ctx.read();
            }
            passedOn = false;
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                fail(ctx, "closed before answering CONNECT " + HostPort.format(target));
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        private void fail(ChannelHandlerContext ctx, String what) {
            release();
            ctx.fireExceptionCaught(new IOException(hop + " " + what));
            ctx.close();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            release();
        }

        private void release() {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.fireExceptionCaught(cause instanceof DecoderException ? new IOException(hop + ": " + cause.getMessage())
                    : cause);
        }
    }
}
