package io.gost.api.handshake;

import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A made-up line protocol to drive {@link HandshakeConnector} with: the connector sends {@code CONNECT
 * host:port}; the hop answers {@code OK} (granted, the tunnel follows), {@code WAIT} (wait for more),
 * {@code AUTH} (send {@code USER name} and read the answer with a fresh decoder), {@code NO reason}
 * (refused), or anything else (malformed). {@code THROW} makes the handshake fail with a bug.
 */
final class LineProtocol extends HandshakeConnector {

    LineProtocol(Duration timeoutOverride) {
        super("line", java.util.Optional.ofNullable(timeoutOverride));
    }

    @Override
    protected Handshake newHandshake(InetSocketAddress target) {
        return new Handshake() {
            private final LineDecoder decoder = new LineDecoder();
            private boolean authenticating;

            @Override
            protected List<ChannelHandler> codecs() {
                return List.of(new LineEncoder(), decoder);
            }

            @Override
            protected Object firstRequest() {
                if (target.getPort() == 0) {
                    throw new IllegalArgumentException("port 0 cannot be asked for");
                }
                return "CONNECT " + target();
            }

            @Override
            protected boolean onAnswer(Object answer) throws RouteException {
                String line = (String) answer;
                if (line.equals("OK")) {
                    return true;
                }
                if (line.equals("WAIT")) {
                    return false;
                }
                if (line.equals("AUTH") && !authenticating) {
                    authenticating = true;
                    replaceCodec(decoder, new LineDecoder());
                    send("USER alice");
                    return false;
                }
                if (line.equals("THROW")) {
                    throw new IllegalStateException("a bug in the handshake");
                }
                if (line.startsWith("NO ")) {
                    throw answeredWith(line.substring(3));
                }
                throw malformed("sent '" + line + "', which is not a line-protocol answer");
            }

            @Override
            protected String awaiting() {
                return authenticating ? "waiting for its AUTH answer" : "";
            }
        };
    }

    /** Writes a string as one line. */
    static final class LineEncoder extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof String line) {
                ctx.write(Unpooled.copiedBuffer(line + "\n", StandardCharsets.US_ASCII), promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }

    /**
     * Decodes lines until an {@code OK}; the bytes after it stay buffered and are handed over when the decoder
     * is removed, as Netty's {@code ByteToMessageDecoder} does with what it has not decoded.
     */
    static final class LineDecoder extends ChannelInboundHandlerAdapter {
        private ByteBuf buffered = Unpooled.EMPTY_BUFFER;
        private boolean tunnel;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            buffered = Unpooled.wrappedBuffer(buffered, (ByteBuf) msg);
            while (!tunnel) {
                int end = buffered.indexOf(buffered.readerIndex(), buffered.writerIndex(), (byte) '\n');
                if (end < 0) {
                    return;
                }
                String line = buffered.toString(buffered.readerIndex(), end - buffered.readerIndex(),
                        StandardCharsets.US_ASCII);
                buffered.readerIndex(end + 1);
                tunnel = line.equals("OK");
                ctx.fireChannelRead(line);
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            ByteBuf rest = buffered;
            buffered = Unpooled.EMPTY_BUFFER;
            if (rest.isReadable()) {
                ctx.fireChannelRead(rest);
            } else {
                rest.release();
            }
        }
    }
}
