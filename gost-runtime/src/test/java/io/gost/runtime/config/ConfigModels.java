package io.gost.runtime.config;

import java.util.List;

/**
 * Test helper: the same configuration with every {@link Origin} and the source replaced, so models from
 * different front ends (YAML, HOCON, command line) can be compared with {@code equals}.
 */
final class ConfigModels {

    private ConfigModels() {
    }

    static GostConfig withoutOrigins(GostConfig config) {
        return new GostConfig(
                config.services().stream().map(ConfigModels::service).toList(),
                config.chains().stream().map(ConfigModels::chain).toList(),
                config.authers().stream().map(a -> new AutherConfig(a.name(), a.auths(), Origin.UNKNOWN)).toList(),
                config.bypasses().stream()
                        .map(b -> new BypassConfig(b.name(), b.whitelist(), b.matchers(), Origin.UNKNOWN)).toList(),
                config.log(), config.netnsProvider(), "-");
    }

    private static ServiceConfig service(ServiceConfig s) {
        return new ServiceConfig(s.name(), s.addr(), plugin(s.handler()), plugin(s.listener()), hop(s.forwarder()),
                s.metadata(), s.bypass(), Origin.UNKNOWN);
    }

    private static ChainConfig chain(ChainConfig c) {
        List<HopConfig> hops = c.hops().stream().map(ConfigModels::hop).toList();
        return new ChainConfig(c.name(), hops, c.metadata(), Origin.UNKNOWN);
    }

    private static HopConfig hop(HopConfig h) {
        if (h == null) {
            return null;
        }
        return new HopConfig(h.name(), h.selector(), h.nodes().stream().map(ConfigModels::node).toList(),
                h.metadata(), Origin.UNKNOWN);
    }

    private static NodeConfig node(NodeConfig n) {
        return new NodeConfig(n.name(), n.addr(), plugin(n.connector()), plugin(n.dialer()), n.netns(), n.metadata(),
                Origin.UNKNOWN);
    }

    private static PluginConfig plugin(PluginConfig p) {
        if (p == null) {
            return null;
        }
        return new PluginConfig(p.type(), p.chain(), p.retries(), p.auth(), p.authers(), p.metadata(), Origin.UNKNOWN,
                null);
    }
}
