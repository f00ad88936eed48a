package io.gost.plugin.socks;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.ConnectorFactory;
import io.gost.api.DialerFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.PluginFactory;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finds each factory this plugin provides the way the runtime does (ServiceLoader, by type name or
 * alias), creates a plugin from empty metadata and closes it. On the module path this exercises
 * {@code provides}; on the class path, {@code META-INF/services}.
 */
@ExtendWith(LeakDetection.class)
class PluginSmokeTest {

    static Stream<Arguments> providedNames() {
        return Stream.of(
                Arguments.of(HandlerFactory.class, "socks5"),
                Arguments.of(HandlerFactory.class, "socks"),
                Arguments.of(HandlerFactory.class, "auto"),
                Arguments.of(ConnectorFactory.class, "socks5"),
                Arguments.of(ConnectorFactory.class, "socks"));
    }

    private static <F extends PluginFactory> List<F> load(Class<F> spi) {
        // The tests run inside this plugin's module, which provides these services but does not use them.
        PluginSmokeTest.class.getModule().addUses(spi);
        return ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providedNames")
    void isFoundByNameAndCreatesAPluginThatCloses(Class<? extends PluginFactory> spi, String name) throws Exception {
        List<? extends PluginFactory> found = load(spi).stream()
                .filter(factory -> factory.type().equals(name) || factory.aliases().contains(name))
                .toList();

        assertThat(found).as("%s factories named %s", spi.getSimpleName(), name).hasSize(1);
        PluginFactory factory = found.get(0);
        assertThat(factory.description()).isNotBlank();
        try (AutoCloseable plugin = create(factory)) {
            assertThat(plugin).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spis")
    void providesNoNameTwice(Class<? extends PluginFactory> spi) {
        List<String> names = load(spi).stream()
                .flatMap(factory -> Stream.concat(Stream.of(factory.type()), factory.aliases().stream()))
                .toList();

        assertThat(names).doesNotHaveDuplicates();
    }

    static Stream<Class<? extends PluginFactory>> spis() {
        return Stream.of(ListenerFactory.class, DialerFactory.class, HandlerFactory.class, ConnectorFactory.class);
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
