package io.gost.runtime.udp;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.service.Service;
import io.gost.runtime.transport.NettyTransport;
import io.gost.testkit.netns.RecordingNetnsProvider;
import java.net.InetSocketAddress;
import java.util.List;

/** A runtime from {@code -L}/{@code -F} flags with the real plugins, on its own transport, in this process. */
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

    static RunningGost start(List<String> services, List<String> nodes) {
        return new RunningGost(new CommandLineParser().parse(services, nodes));
    }

    static RunningGost start(String service) {
        return start(List.of(service), List.of());
    }

    GostRuntime runtime() {
        return runtime;
    }

    Service service(int index) {
        return runtime.services().get(index);
    }

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
