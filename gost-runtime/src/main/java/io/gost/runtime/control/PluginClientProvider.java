package io.gost.runtime.control;

import io.gost.runtime.config.ControlPlugin;

/**
 * A plugin protocol other than GOST's {@code http} one, found by {@link java.util.ServiceLoader} when a
 * configuration first uses its type: the module that speaks GOST's {@code grpc} protocol (gost-plugin-grpc-control)
 * provides one, so that the runtime, and a gost-java nobody configures a gRPC plugin for, never load gRPC.
 */
public interface PluginClientProvider {

    /** The {@code plugin.type} it speaks, lower case: {@code grpc}. */
    String type();

    /**
     * A client for {@code plugin}. Creating it must not connect (the channel is opened at the first question),
     * so that a plugin that is down does not stop a start or a reload.
     *
     * @param kind  what it is asked about
     * @param owner the control object, for messages: {@code "admission admission-0"}
     * @throws IllegalArgumentException when {@code plugin.addr} is not an address this type can use
     */
    PluginClient create(PluginClient.Kind kind, String owner, ControlPlugin plugin);
}
