package io.gost.plugin.mux.smux;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The settings of one smux session, GOST's {@code mux.*} keys, with xtaci/smux's defaults and its checks
 * ({@code VerifyConfig}). A value of 0 (or an absent key) means the default, as in GOST.
 *
 * @param version           1 or 2; version 2 adds per-stream flow control (UPD frames)
 * @param keepaliveDisabled no NOP frames and no idle check
 * @param keepaliveInterval how often a NOP frame is sent
 * @param keepaliveTimeout  a session that received no frame for this long is closed
 * @param maxFrameSize      the largest payload of a frame this side sends, at most 65535
 * @param maxReceiveBuffer  bytes received but not yet read by any stream, per session; reading the
 *                          connection stops while it is used up
 * @param maxStreamBuffer   the window a version 2 stream grants its peer
 */
public record SmuxConfig(int version, boolean keepaliveDisabled, Duration keepaliveInterval,
                         Duration keepaliveTimeout, int maxFrameSize, int maxReceiveBuffer, int maxStreamBuffer) {

    public static final int DEFAULT_VERSION = 1;
    public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_FRAME_SIZE = 32768;
    public static final int DEFAULT_MAX_RECEIVE_BUFFER = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_STREAM_BUFFER = 64 * 1024;

    /** smux's defaults with protocol version 1, which GOST uses unless told otherwise. */
    public static final SmuxConfig DEFAULT = new SmuxConfig(DEFAULT_VERSION, false, DEFAULT_KEEPALIVE_INTERVAL,
            DEFAULT_KEEPALIVE_TIMEOUT, DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_RECEIVE_BUFFER, DEFAULT_MAX_STREAM_BUFFER);

    public static final MetadataKey TYPE = MetadataKey.string("mux.type", "smux",
            "multiplexer: smux (GOST's yamux is not supported)");
    public static final MetadataKey KEEPALIVE_INTERVAL = MetadataKey.duration("mux.keepaliveInterval", "10s",
            "how often a keepalive (NOP) frame is sent");
    public static final MetadataKey KEEPALIVE_TIMEOUT = MetadataKey.duration("mux.keepaliveTimeout", "30s",
            "a session that received nothing for this long is closed");
    public static final MetadataKey KEEPALIVE_DISABLED = MetadataKey.bool("mux.keepaliveDisabled", false,
            "no keepalive frames and no idle check");
    public static final MetadataKey MAX_FRAME_SIZE = MetadataKey.integer("mux.maxFrameSize", "32768",
            "largest frame payload sent, at most 65535");
    public static final MetadataKey MAX_RECEIVE_BUFFER = MetadataKey.integer("mux.maxReceiveBuffer", "4194304",
            "bytes received and not yet read, per session; reading stops while it is full");
    public static final MetadataKey MAX_STREAM_BUFFER = MetadataKey.integer("mux.maxStreamBuffer", "65536",
            "window per stream (version 2 flow control)");

    public SmuxConfig {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("smux version must be 1 or 2, got " + version);
        }
    }

    /** The {@code mux.*} keys, with {@code defaultVersion} as {@code mux.version}'s default. */
    public static List<MetadataKey> keys(int defaultVersion) {
        return List.of(
                MetadataKey.integer("mux.version", Integer.toString(defaultVersion),
                        "smux protocol version, 1 or 2 (2 adds per-stream flow control); both ends must agree"),
                TYPE, KEEPALIVE_INTERVAL, KEEPALIVE_TIMEOUT, KEEPALIVE_DISABLED, MAX_FRAME_SIZE, MAX_RECEIVE_BUFFER,
                MAX_STREAM_BUFFER);
    }

    /**
     * Reads the {@code mux.*} keys of {@code metadata}; 0 or absent means smux's default, as in GOST.
     *
     * @throws InvalidMetadataException naming the key when a value is out of range (smux's own checks)
     */
    public static SmuxConfig from(Metadata metadata, int defaultVersion) {
        String type = metadata.getString(TYPE.name(), "smux").trim().toLowerCase(Locale.ROOT);
        if (!type.isEmpty() && !type.equals("smux")) {
            throw new InvalidMetadataException(TYPE.name(), type, "gost-java multiplexes with smux only");
        }
        int version = metadata.getInt("mux.version", 0);
        if (version == 0) {
            version = defaultVersion;
        }
        if (version != 1 && version != 2) {
            throw new InvalidMetadataException("mux.version", version, "smux speaks version 1 or 2");
        }
        boolean disabled = metadata.getBoolean(KEEPALIVE_DISABLED.name(), false);
        Duration interval = positiveOr(metadata.getDuration(KEEPALIVE_INTERVAL.name(), Duration.ZERO),
                DEFAULT_KEEPALIVE_INTERVAL);
        Duration timeout = positiveOr(metadata.getDuration(KEEPALIVE_TIMEOUT.name(), Duration.ZERO),
                DEFAULT_KEEPALIVE_TIMEOUT);
        if (!disabled && timeout.compareTo(interval) < 0) {
            throw new InvalidMetadataException(KEEPALIVE_TIMEOUT.name(), metadata.value(KEEPALIVE_TIMEOUT.name())
                    .orElse(timeout), "must not be shorter than mux.keepaliveInterval (" + interval.toMillis() + "ms)");
        }
        int frame = positiveOr(MAX_FRAME_SIZE, metadata, DEFAULT_MAX_FRAME_SIZE);
        if (frame > 65535) {
            throw new InvalidMetadataException(MAX_FRAME_SIZE.name(), frame, "a frame carries at most 65535 bytes");
        }
        int receive = positiveOr(MAX_RECEIVE_BUFFER, metadata, DEFAULT_MAX_RECEIVE_BUFFER);
        int stream = positiveOr(MAX_STREAM_BUFFER, metadata, DEFAULT_MAX_STREAM_BUFFER);
        if (stream > receive) {
            throw new InvalidMetadataException(MAX_STREAM_BUFFER.name(), stream,
                    "must not be larger than mux.maxReceiveBuffer (" + receive + ")");
        }
        return new SmuxConfig(version, disabled, interval, timeout, frame, receive, stream);
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value.isZero() || value.isNegative() ? fallback : value;
    }

    private static int positiveOr(MetadataKey key, Metadata metadata, int fallback) {
        long value = metadata.getLong(key.name(), 0);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new InvalidMetadataException(key.name(), value, "expected 0 (the default) or a positive size");
        }
        return value == 0 ? fallback : (int) value;
    }

    /** The same settings with another protocol version. */
    public SmuxConfig withVersion(int otherVersion) {
        return new SmuxConfig(otherVersion, keepaliveDisabled, keepaliveInterval, keepaliveTimeout, maxFrameSize,
                maxReceiveBuffer, maxStreamBuffer);
    }

    /** The same settings with the keepalive as given. */
    public SmuxConfig withKeepalive(boolean disabled, Duration interval, Duration timeout) {
        return new SmuxConfig(version, disabled, interval, timeout, maxFrameSize, maxReceiveBuffer, maxStreamBuffer);
    }

    /** The same settings with other buffer sizes. */
    public SmuxConfig withBuffers(int frameSize, int receiveBuffer, int streamBuffer) {
        return new SmuxConfig(version, keepaliveDisabled, keepaliveInterval, keepaliveTimeout, frameSize, receiveBuffer,
                streamBuffer);
    }

    /** One line for logs and {@code gost check}. */
    public String describe() {
        return "smux v" + version + (keepaliveDisabled ? ", keepalive off"
                : ", keepalive " + keepaliveInterval.toMillis() + "ms/" + keepaliveTimeout.toMillis() + "ms")
                + ", frame " + maxFrameSize + ", receive buffer " + maxReceiveBuffer
                + (version == 2 ? ", stream window " + maxStreamBuffer : "");
    }
}
