package io.gost.plugin.control.grpc;

import io.gost.runtime.config.ControlPlugin;
import io.gost.runtime.control.PluginClient;
import io.gost.runtime.control.PluginClientProvider;

/** Speaks {@code plugin.type: grpc} (GOST's default type) for every kind of control object. */
public final class GrpcPluginClientProvider implements PluginClientProvider {

    @Override
    public String type() {
        return "grpc";
    }

    @Override
    public PluginClient create(PluginClient.Kind kind, String owner, ControlPlugin plugin) {
        return new GrpcPluginClient(kind, owner, plugin);
    }
}
