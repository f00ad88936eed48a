package io.gost.runtime.reliability;

import io.gost.testkit.netns.RecordingNetnsProvider;
import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.Service;
import io.gost.runtime.transport.NettyTransport;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A runtime composed from {@code -L}/{@code -F} flags with the real tcp and http plugins, on its own
 * transport, bound to loopback ports of the kernel's choice: what a user gets from {@code bin/gost}, without
 * starting a process.
 */
final class RunningGost implements AutoCloseable {

    private final NettyTransport transport;
    private final GostRuntime runtime;

    private RunningGost(GostConfig config) {
        transport = NettyTransport.create(2);
        GostRuntime created;
        try {
            created = GostRuntime.create(config, PluginRegistry.load(), new RecordingNetnsProvider(), transport);
            created.start();
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
        runtime = created;
    }

    /** {@code gost -L services... -F nodes...}. */
    static RunningGost start(List<String> services, List<String> nodes) {
        return new RunningGost(new CommandLineParser().parse(services, nodes));
    }

    /** {@code gost -L service}. */
    static RunningGost start(String service) {
        return start(List.of(service), List.of());
    }

    /** Starts a configuration made by a loader. */
    static RunningGost start(GostConfig config) {
        return new RunningGost(config);
    }

    Service service(int index) {
        return runtime.services().get(index);
    }

    /** Where service {@code index} listens. */
    InetSocketAddress address(int index) {
        return (InetSocketAddress) service(index).boundAddress();
    }

    int port(int index) {
        return address(index).getPort();
    }

    @Override
    public void close() {
        runtime.close();
        transport.close();
    }
}
