package io.gost.plugin.tcp;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finds each factory this plugin provides the way the runtime does (ServiceLoader, by type name), creates
 * a plugin from empty metadata and closes it. On the module path this exercises {@code provides}; on the
 * class path, {@code META-INF/services}.
 */
class PluginSmokeTest {

    static Stream<Arguments> providedTypes() {
        return Stream.of(
                Arguments.of(ListenerFactory.class, "tcp"),
                Arguments.of(DialerFactory.class, "tcp"),
                Arguments.of(HandlerFactory.class, "tcp"),
                Arguments.of(HandlerFactory.class, "forward"));
    }

    private static <F extends PluginFactory> List<F> load(Class<F> spi) {
        // The tests run inside this plugin's module, which provides these services but does not use them.
        PluginSmokeTest.class.getModule().addUses(spi);
        return ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providedTypes")
    void isFoundByTypeNameAndCreatesAPluginThatCloses(Class<? extends PluginFactory> spi, String type) throws Exception {
        List<? extends PluginFactory> found = load(spi).stream().filter(factory -> factory.type().equals(type)).toList();

        assertThat(found).as("%s factories of type %s", spi.getSimpleName(), type).hasSize(1);
        PluginFactory factory = found.get(0);
        assertThat(factory.description()).isNotBlank();
        try (AutoCloseable plugin = create(factory)) {
            assertThat(plugin).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spis")
    void providesNoTypeTwice(Class<? extends PluginFactory> spi) {
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
        if (factory instanceof ListenerFactory listeners) {
            return listeners.create(Metadata.empty(), context);
        }
        if (factory instanceof DialerFactory dialers) {
            return dialers.create(Metadata.empty(), context);
        }
        if (factory instanceof HandlerFactory handlers) {
            return handlers.create(Metadata.empty(), context);
        }
        throw new IllegalArgumentException("unexpected factory " + factory);
    }
}
