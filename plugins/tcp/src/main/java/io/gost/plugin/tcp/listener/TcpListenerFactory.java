package io.gost.plugin.tcp.listener;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates {@link TcpListener}s, GOST's listener type {@code tcp} (the default listener of a service).
 *
 * <p>Metadata:
 * <ul>
 *   <li>{@code backlog}: the accept queue length, default {@value #DEFAULT_BACKLOG} (the kernel caps it
 *       at {@code net.core.somaxconn});</li>
 *   <li>{@code keepalive}: {@code SO_KEEPALIVE} on accepted connections, default {@code true}.</li>
 * </ul>
 *
 * <p>The JVM property {@value TcpListener#PER_LOOP_PROPERTY} ({@code true} unless set to {@code false}) chooses
 * between one server socket per I/O loop and one for the whole process (see {@link TcpListener}).
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class TcpListenerFactory implements ListenerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "tcp";

    /** The accept queue length when {@code backlog} is not set. */
    public static final int DEFAULT_BACKLOG = 4096;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "plain TCP server socket";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(
                MetadataKey.integer("backlog", Integer.toString(DEFAULT_BACKLOG), "accept queue length (the kernel caps"
                        + " it at net.core.somaxconn)"),
                MetadataKey.bool("keepalive", true, "SO_KEEPALIVE on accepted connections"));
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        int backlog = metadata.getInt("backlog", DEFAULT_BACKLOG);
        if (backlog <= 0) {
            throw new InvalidMetadataException("backlog", backlog, "expected a positive accept queue length");
        }
        boolean keepAlive = metadata.getBoolean("keepalive", true);
        return new TcpListener(context.ownerName(), backlog, keepAlive, TcpListener.perLoopFromSystemProperty());
    }
}
