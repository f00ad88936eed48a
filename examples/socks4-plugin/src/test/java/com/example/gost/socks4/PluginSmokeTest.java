package com.example.gost.socks4;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.ConnectorFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.PluginFactory;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finds each factory the way gost does (ServiceLoader, by type name or alias), creates a plugin from
 * empty metadata and closes it. On the module path this exercises module-info's {@code provides}; in
 * the class-path run, {@code META-INF/services}.
 */
class PluginSmokeTest {

    static Stream<Arguments> providedTypes() {
        return Stream.of(
                Arguments.of(HandlerFactory.class, "socks4"),
                Arguments.of(HandlerFactory.class, "socks4a"),
                Arguments.of(ConnectorFactory.class, "socks4"),
                Arguments.of(ConnectorFactory.class, "socks4a"));
    }

    private static <F extends PluginFactory> List<F> load(Class<F> spi) {
        // The tests run inside the plugin's module, which provides these services but does not use them.
        PluginSmokeTest.class.getModule().addUses(spi);
        return ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providedTypes")
    void isFoundByTypeNameAndCreatesAPluginThatCloses(Class<? extends PluginFactory> spi, String type) throws Exception {
        List<? extends PluginFactory> found = load(spi).stream()
                .filter(factory -> factory.type().equals(type) || factory.aliases().contains(type))
                .toList();

        assertThat(found).as("%s factories of type %s", spi.getSimpleName(), type).hasSize(1);
        PluginFactory factory = found.get(0);
        assertThat(factory.type()).isEqualTo("socks4");
        assertThat(factory.description()).isNotBlank();
        try (AutoCloseable plugin = create(factory)) {
            assertThat(plugin).isNotNull();
        }
    }

    private static AutoCloseable create(PluginFactory factory) {
        PluginContext context = PluginContext.named("smoke");
        if (factory instanceof HandlerFactory handlers) {
            return handlers.create(Metadata.empty(), context);
        }
        if (factory instanceof ConnectorFactory connectors) {
            return connectors.create(Metadata.empty(), context);
        }
        throw new IllegalArgumentException("unexpected factory " + factory);
    }
}
