package io.gost.runtime.operations;

import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.reload.Reloader;
import io.gost.runtime.transport.NettyTransport;
import java.nio.file.Path;

/** Placeholder until the API and metrics land. */
public final class Operations implements AutoCloseable {

    public Operations(Reloader reloader, NettyTransport transport, Path configFile) {
    }

    public void apply(GostPlan plan) {
    }

    @Override
    public void close() {
    }
}
