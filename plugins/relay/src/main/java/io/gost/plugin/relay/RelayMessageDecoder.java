package io.gost.plugin.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes one relay request or response into a {@link RelayMessage}; the bytes after it are passed on as they
 * are (the first bytes of the tunnel). A message GOST could not read either (another version, an unknown
 * feature type, a feature shorter than its type needs) fails with a {@link CorruptedFrameException} that
 * names what is wrong.
 */
final class RelayMessageDecoder extends ByteToMessageDecoder {

    private final String what;
    private boolean decoded;

    /** @param what {@code "request"} or {@code "response"}, for messages */
    RelayMessageDecoder(String what) {
        this.what = what;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (decoded) {
            if (in.isReadable()) {
                out.add(in.readRetainedSlice(in.readableBytes()));
            }
            return;
        }
        RelayMessage message = read(in, what);
        if (message == null) {
            return;
        }
        decoded = true;
        out.add(message);
        if (in.isReadable()) {
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
    }

    /**
     * Reads one whole message at the reader index, or returns null (reader index unchanged) while {@code in} does
     * not hold all of it.
     *
     * @param what {@code "request"} or {@code "response"}, for messages
     * @throws CorruptedFrameException for a message GOST could not read either
     */
    static RelayMessage read(ByteBuf in, String what) {
        if (in.readableBytes() < RelayProtocol.HEADER_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        int version = in.getUnsignedByte(start);
        if (version != RelayProtocol.VERSION) {
            throw new CorruptedFrameException("relay " + what + " of version " + version + " (only version "
                    + RelayProtocol.VERSION + " exists)");
        }
        int featuresLength = in.getUnsignedShort(start + 2);
        if (in.readableBytes() < RelayProtocol.HEADER_SIZE + featuresLength) {
            return null;
        }
        int code = in.getUnsignedByte(start + 1);
        in.skipBytes(RelayProtocol.HEADER_SIZE);
        return readFeatures(code, in.readSlice(featuresLength), what);
    }

    private static RelayMessage readFeatures(int code, ByteBuf features, String what) {
        String username = null;
        String password = null;
        InetSocketAddress address = null;
        int network = -1;
        while (features.isReadable()) {
            if (features.readableBytes() < 3) {
                throw short_("a feature header", what);
            }
            int type = features.readUnsignedByte();
            int length = features.readUnsignedShort();
            if (features.readableBytes() < length) {
                throw short_("feature " + type + " (" + length + " bytes announced, " + features.readableBytes()
                        + " there)", what);
            }
            ByteBuf data = features.readSlice(length);
            switch (type) {
                case RelayProtocol.FEATURE_USER_AUTH -> {
                    if (data.readableBytes() < 2) {
                        throw short_("the user auth feature", what);
                    }
                    int userLength = data.readUnsignedByte();
                    if (data.readableBytes() < userLength + 1) {
                        throw short_("the user auth feature", what);
                    }
                    username = data.readCharSequence(userLength, StandardCharsets.UTF_8).toString();
                    int passLength = data.readUnsignedByte();
                    if (data.readableBytes() < passLength) {
                        throw short_("the user auth feature", what);
                    }
                    password = data.readCharSequence(passLength, StandardCharsets.UTF_8).toString();
                }
                case RelayProtocol.FEATURE_ADDRESS -> address = readAddress(data, what);
                case RelayProtocol.FEATURE_TUNNEL -> {
                    if (data.readableBytes() < 16) {
                        throw short_("the tunnel feature", what);
                    }
                }
                case RelayProtocol.FEATURE_NETWORK -> {
                    if (data.readableBytes() < 2) {
                        throw short_("the network feature", what);
                    }
                    network = data.readUnsignedShort();
                }
                default -> throw new CorruptedFrameException("relay " + what + " with unknown feature type "
                        + type);
            }
        }
        return new RelayMessage(code, username, password, address, network);
    }

    private static InetSocketAddress readAddress(ByteBuf data, String what) {
        if (data.readableBytes() < 4) {
            throw short_("the address feature", what);
        }
        int type = data.readUnsignedByte();
        String host;
        switch (type) {
            case RelayProtocol.ADDR_IPV4, RelayProtocol.ADDR_IPV6 -> {
                int size = type == RelayProtocol.ADDR_IPV4 ? 4 : 16;
                if (data.readableBytes() < size + 2) {
                    throw short_("the address feature", what);
                }
                byte[] ip = new byte[size];
                data.readBytes(ip);
                host = NetUtil.bytesToIpAddress(ip);
            }
            case RelayProtocol.ADDR_DOMAIN -> {
                int length = data.readUnsignedByte();
                if (data.readableBytes() < length + 2) {
                    throw short_("the address feature", what);
                }
                host = data.readCharSequence(length, StandardCharsets.UTF_8).toString();
            }
            default -> throw new CorruptedFrameException("relay " + what + " with unknown address type " + type);
        }
        return InetSocketAddress.createUnresolved(host, data.readUnsignedShort());
    }

    private static CorruptedFrameException short_(String part, String what) {
        return new CorruptedFrameException("relay " + what + " with a truncated " + part);
    }
}
