package io.gost.runtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Connector;
import io.gost.api.ConnectorFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

    static class Socks5Connectors implements ConnectorFactory {
        @Override
        public String type() {
            return "socks5";
        }

        @Override
        public List<String> aliases() {
            return List.of("socks");
        }

        @Override
        public Connector create(Metadata metadata, PluginContext context) {
            return (channel, network, target, timeout) -> channel.eventLoop().newSucceededFuture(channel);
        }
    }

    static class OtherSocksConnectors extends Socks5Connectors {
        @Override
        public String type() {
            return "socks";
        }

        @Override
        public List<String> aliases() {
            return List.of();
        }
    }

    @Test
    void findsATypeByNameAndByAliasInAnyCase() {
        PluginRegistry registry = PluginRegistry.builder()
                .add(PluginKind.CONNECTOR, new Socks5Connectors(), "a.jar").build();

        assertThat(registry.connector("SOCKS5")).isInstanceOf(Socks5Connectors.class);
        assertThat(registry.connector("socks")).isInstanceOf(Socks5Connectors.class);
        assertThat(registry.require(PluginKind.CONNECTOR, "socks").alias()).isTrue();
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        PluginRegistry registry = PluginRegistry.builder()
                .add(PluginKind.CONNECTOR, new Socks5Connectors(), "a.jar").build();

        assertThatThrownBy(() -> registry.connector("socks4"))
                .hasMessage("unknown connector type 'socks4'; known connector types: socks, socks5"
                        + " (`gost plugins` shows where each comes from)");
    }

    @Test
    void twoPluginsClaimingOneTypeAreRejectedNamingBoth() {
        assertThatThrownBy(() -> PluginRegistry.builder()
                .add(PluginKind.CONNECTOR, new Socks5Connectors(), "first.jar")
                .add(PluginKind.CONNECTOR, new OtherSocksConnectors(), "second.jar")
                .build())
                .isInstanceOf(PluginRegistry.PluginConflictException.class)
                .hasMessage("connector type 'socks' is provided twice: by first.jar and by second.jar;"
                        + " remove one of the two plugins");
    }

    @Test
    void aFactoryOfTheWrongKindIsRefused() {
        assertThatThrownBy(() -> PluginRegistry.builder().add(PluginKind.DIALER, new Socks5Connectors(), "a.jar"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a dialer factory");
    }

    @Test
    void serviceLoaderFindsTheBundledPluginsWithTheirModule() {
        PluginRegistry registry = PluginRegistry.load();

        assertThat(registry.knownTypes(PluginKind.LISTENER)).contains("tcp");
        assertThat(registry.knownTypes(PluginKind.HANDLER)).contains("tcp", "forward", "http");
        assertThat(registry.knownTypes(PluginKind.DIALER)).contains("tcp");
        assertThat(registry.knownTypes(PluginKind.CONNECTOR)).contains("http");
        // The module, then the jar (or classes directory, when built without packaging) it was loaded from.
        assertThat(registry.require(PluginKind.HANDLER, "http").source()).startsWith("io.gost.plugin.http (");
    }
}
